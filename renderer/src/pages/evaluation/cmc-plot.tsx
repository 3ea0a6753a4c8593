import { Paper, Text } from '@mantine/core';

/** The plot shows CMC from rank 1 to this rank; longer curves are cut. */
const maxRank = 50;

const width = 600;
const height = 340;
const margin = { left: 56, right: 16, top: 16, bottom: 48 };
const plotWidth = width - margin.left - margin.right;
const plotHeight = height - margin.top - margin.bottom;

const rankTicks = [1, 10, 20, 30, 40, 50];
const percentTicks = [0, 20, 40, 60, 80, 100];

const plainColor = 'var(--mantine-color-indigo-5)';
const rerankedColor = 'var(--mantine-color-orange-6)';
const axisColor = 'var(--mantine-color-dimmed)';
const gridColor = 'var(--mantine-color-default-border)';

function xOf(rank: number): number {
  return margin.left + ((rank - 1) / (maxRank - 1)) * plotWidth;
}

function yOf(fraction: number): number {
  return margin.top + (1 - fraction) * plotHeight;
}

/** CMC curves as an SVG line plot: rank on x, share of queries matched within that rank on y. */
export function CmcPlot({ plain, reranked }: { plain: number[]; reranked: number[] | null }) {
  return (
    <Paper withBorder p="sm" maw={660}>
      <Text fw={600} size="sm" mb={4}>
        CMC curve
      </Text>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label="CMC curve" data-testid="cmc-plot" style={{ display: 'block' }}>
        <PlotAxes />
        <Curve cmc={plain} color={plainColor} name="plain" />
        {reranked && <Curve cmc={reranked} color={rerankedColor} name="re-ranked" dashed />}
        <Legend showReranked={reranked !== null} />
      </svg>
    </Paper>
  );
}

function PlotAxes() {
  const bottom = margin.top + plotHeight;
  return (
    <g fontSize={12} fill={axisColor}>
      {percentTicks.map((percent) => (
        <g key={`y${percent}`}>
          <line x1={margin.left} x2={margin.left + plotWidth} y1={yOf(percent / 100)} y2={yOf(percent / 100)} stroke={gridColor} />
          <text x={margin.left - 8} y={yOf(percent / 100) + 4} textAnchor="end">
            {percent}
          </text>
        </g>
      ))}
      {rankTicks.map((rank) => (
        <g key={`x${rank}`}>
          <line x1={xOf(rank)} x2={xOf(rank)} y1={bottom} y2={bottom + 5} stroke={axisColor} />
          <text x={xOf(rank)} y={bottom + 19} textAnchor="middle">
            {rank}
          </text>
        </g>
      ))}
      <line x1={margin.left} x2={margin.left + plotWidth} y1={bottom} y2={bottom} stroke={axisColor} />
      <line x1={margin.left} x2={margin.left} y1={margin.top} y2={bottom} stroke={axisColor} />
      <text x={margin.left + plotWidth / 2} y={height - 8} textAnchor="middle">
        Rank
      </text>
      <text transform={`translate(16 ${margin.top + plotHeight / 2}) rotate(-90)`} textAnchor="middle">
        Matching rate (%)
      </text>
    </g>
  );
}

function Curve({ cmc, color, name, dashed = false }: { cmc: number[]; color: string; name: string; dashed?: boolean }) {
  const points = cmc.slice(0, maxRank).map((fraction, index) => [xOf(index + 1), yOf(fraction)] as const);
  return (
    <g data-curve={name}>
      <polyline points={points.map(([x, y]) => `${x},${y}`).join(' ')} fill="none" stroke={color} strokeWidth={2} strokeDasharray={dashed ? '6 4' : undefined} />
      {points.map(([x, y], index) => (
        <circle key={index} cx={x} cy={y} r={2.5} fill={color}>
          <title>{`Rank ${index + 1}: ${(cmc[index] * 100).toFixed(1)} %`}</title>
        </circle>
      ))}
    </g>
  );
}

/** Bottom right, where CMC curves, which rise towards the top left, leave room. */
function Legend({ showReranked }: { showReranked: boolean }) {
  const x = margin.left + plotWidth - 150;
  const y = margin.top + plotHeight - (showReranked ? 52 : 30);
  return (
    <g fontSize={12} fill="var(--mantine-color-text)">
      <line x1={x} x2={x + 24} y1={y} y2={y} stroke={plainColor} strokeWidth={2} />
      <text x={x + 32} y={y + 4}>
        plain
      </text>
      {showReranked && (
        <>
          <line x1={x} x2={x + 24} y1={y + 22} y2={y + 22} stroke={rerankedColor} strokeWidth={2} strokeDasharray="6 4" />
          <text x={x + 32} y={y + 26}>
            re-ranked
          </text>
        </>
      )}
    </g>
  );
}
