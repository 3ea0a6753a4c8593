import { Group, Paper, Text } from '@mantine/core';
import { extentOf, linearScale, niceTicks, polylinePoints, type PlotPoint, type Scale } from './plot-scale';

export interface PlotSeries {
  name: string;
  points: PlotPoint[];
  color: string;
  dashed?: boolean;
}

/** A labelled vertical line, such as where training moves from stage 1 to stage 2. */
export interface PlotMarker {
  x: number;
  label: string;
}

export interface LinePlotProps {
  title: string;
  series: PlotSeries[];
  xLabel: string;
  yLabel: string;
  /** Fixed y range, e.g. [0, 1] for fractions; by default the data's range widened to round ticks. */
  yDomain?: [number, number];
  yFormat?: (value: number) => string;
  markers?: PlotMarker[];
  /** Drawing size in SVG units; the plot scales to the width of its container. */
  width?: number;
  height?: number;
  testId: string;
}

/** Colours for series in order, from Mantine's palette so that both colour schemes show them. */
export const seriesColors = [
  'var(--mantine-color-indigo-5)',
  'var(--mantine-color-orange-6)',
  'var(--mantine-color-teal-6)',
  'var(--mantine-color-grape-6)',
  'var(--mantine-color-red-6)',
  'var(--mantine-color-cyan-6)',
  'var(--mantine-color-lime-7)',
  'var(--mantine-color-pink-6)',
];

const axisColor = 'var(--mantine-color-dimmed)';
const gridColor = 'var(--mantine-color-default-border)';
const margin = { left: 56, right: 16, top: 12, bottom: 44 };

/** Series with few points get a dot per point, whose tooltip gives the value. */
const maxDottedPoints = 60;

/** Draws an SVG line plot in the style of the CMC curve: grid lines at round y values, one coloured line per series and a legend below. */
export function LinePlot({ title, series, xLabel, yLabel, yDomain, yFormat = String, markers = [], width = 600, height = 260, testId }: LinePlotProps) {
  const allPoints = series.flatMap((item) => item.points);
  const xExtent = extentOf(allPoints, 'x') ?? [0, 1];
  const yExtent = extentOf(allPoints, 'y') ?? [0, 1];
  // Without a fixed domain the y axis starts at 0, unless values go below it, so that falling losses are not exaggerated.
  const yTicks = niceTicks(yDomain?.[0] ?? Math.min(0, yExtent[0]), yDomain?.[1] ?? yExtent[1]);
  const xTicks = niceTicks(xExtent[0], xExtent[1], 6).filter((tick) => tick >= xExtent[0] && tick <= xExtent[1] && Number.isInteger(tick));
  const plotRight = width - margin.right;
  const plotBottom = height - margin.bottom;
  const xOf = linearScale(xExtent, [margin.left, plotRight]);
  const yOf = linearScale([yTicks[0], yTicks[yTicks.length - 1]], [plotBottom, margin.top]);

  return (
    <Paper withBorder p="sm">
      <Text fw={600} size="sm" mb={4}>
        {title}
      </Text>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={title} data-testid={testId} style={{ display: 'block' }}>
        <g fontSize={12} fill={axisColor}>
          {yTicks.map((tick) => (
            <g key={`y${tick}`}>
              <line x1={margin.left} x2={plotRight} y1={yOf(tick)} y2={yOf(tick)} stroke={gridColor} />
              <text x={margin.left - 8} y={yOf(tick) + 4} textAnchor="end">
                {yFormat(tick)}
              </text>
            </g>
          ))}
          {xTicks.map((tick) => (
            <g key={`x${tick}`}>
              <line x1={xOf(tick)} x2={xOf(tick)} y1={plotBottom} y2={plotBottom + 5} stroke={axisColor} />
              <text x={xOf(tick)} y={plotBottom + 18} textAnchor="middle">
                {tick}
              </text>
            </g>
          ))}
          <line x1={margin.left} x2={plotRight} y1={plotBottom} y2={plotBottom} stroke={axisColor} />
          <line x1={margin.left} x2={margin.left} y1={margin.top} y2={plotBottom} stroke={axisColor} />
          <text x={(margin.left + plotRight) / 2} y={height - 6} textAnchor="middle">
            {xLabel}
          </text>
          <text transform={`translate(14 ${(margin.top + plotBottom) / 2}) rotate(-90)`} textAnchor="middle">
            {yLabel}
          </text>
        </g>
        {markers.map((marker) => (
          <g key={marker.label} fontSize={11} fill={axisColor}>
            <line x1={xOf(marker.x)} x2={xOf(marker.x)} y1={margin.top} y2={plotBottom} stroke={axisColor} strokeDasharray="3 3" />
            <text x={xOf(marker.x) + 4} y={margin.top + 10}>
              {marker.label}
            </text>
          </g>
        ))}
        {series.map((item) => (
          <SeriesLine key={item.name} series={item} xOf={xOf} yOf={yOf} yFormat={yFormat} />
        ))}
      </svg>
      <Group gap="md" mt={4}>
        {series.map((item) => (
          <Group key={item.name} gap={6} wrap="nowrap">
            <svg width={24} height={8} aria-hidden>
              <line x1={0} x2={24} y1={4} y2={4} stroke={item.color} strokeWidth={2} strokeDasharray={item.dashed ? '5 3' : undefined} />
            </svg>
            <Text size="xs">{item.name}</Text>
          </Group>
        ))}
      </Group>
    </Paper>
  );
}

function SeriesLine({ series, xOf, yOf, yFormat }: { series: PlotSeries; xOf: Scale; yOf: Scale; yFormat: (value: number) => string }) {
  const dotted = series.points.length <= maxDottedPoints;
  return (
    <g data-series={series.name}>
      <polyline points={polylinePoints(series.points, xOf, yOf)} fill="none" stroke={series.color} strokeWidth={2} strokeDasharray={series.dashed ? '6 4' : undefined} />
      {dotted &&
        series.points.map((point) => (
          <circle key={point.x} cx={xOf(point.x)} cy={yOf(point.y)} r={2.5} fill={series.color}>
            <title>{`${series.name} at ${point.x}: ${yFormat(point.y)}`}</title>
          </circle>
        ))}
    </g>
  );
}
