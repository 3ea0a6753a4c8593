import type { RetrievalFigures } from '../api/schemas';
import type { RunTableRow } from './export-table';

/**
 * Renders a horizontal grouped bar chart of mAP and Rank-1: one group per
 * frozen-feature baseline (one per dataset and image model among the runs),
 * then one group per run in the order given. Oracle runs get red hatching
 * over their bars and an "(oracle)" label, because their features used
 * identity labels.
 */

const width = 960;
const labelWidth = 320;
const plotLeft = labelWidth + 10;
const plotWidth = 560;
const barHeight = 14;
const groupGap = 12;
const groupHeight = 2 * barHeight + groupGap;
const top = 78;
const maxLabelCharacters = 44;

const colors = {
  mAP: '#3b6ea8',
  rank1: '#e08a2c',
  baselineMAP: '#9aa7b5',
  baselineRank1: '#cdb99a',
  oracleText: '#b00020',
  grid: '#d8d8d8',
  text: '#222222',
};

interface ChartGroup {
  label: string;
  title: string;
  figures: RetrievalFigures | null;
  kind: 'baseline' | 'run' | 'oracle';
}

export function renderComparisonChart(rows: RunTableRow[]): string {
  const groups = [...baselineGroups(rows), ...rows.map(runGroup)];
  const plotBottom = top + groups.length * groupHeight;
  const height = plotBottom + 40;

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" fill="${colors.text}">`,
    '<defs><pattern id="oracle-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
      `<rect width="2" height="6" fill="${colors.oracleText}"/></pattern></defs>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">mAP and Rank-1 of training runs (%)</text>`,
    renderLegend(),
    renderGrid(plotBottom),
    ...groups.map((group, index) => renderGroup(group, top + index * groupHeight)),
  ];
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** Builds one baseline group per dataset and image model, because runs on other data have other baselines. */
function baselineGroups(rows: RunTableRow[]): ChartGroup[] {
  const seen = new Map<string, ChartGroup>();
  for (const row of rows) {
    if (!row.baseline) continue;
    const key = `${row.datasetName}\u0000${row.imageModelId}`;
    if (seen.has(key)) continue;
    const label = `Frozen features: ${row.datasetName}, model ${row.imageModelId}`;
    seen.set(key, { label, title: label, figures: row.baseline, kind: 'baseline' });
  }
  return [...seen.values()];
}

function runGroup(row: RunTableRow): ChartGroup {
  const label = `${row.name}${row.oracle ? ' (oracle)' : ''}`;
  const title = `Run ${row.runId}: ${row.name}, ${row.preset}, ${row.promptKinds}, ${row.features}${row.oracle ? ', oracle: features used identity labels' : ''}`;
  return { label, title, figures: row.figures, kind: row.oracle ? 'oracle' : 'run' };
}

function renderLegend(): string {
  const items: [string, string][] = [
    [colors.mAP, 'mAP'],
    [colors.rank1, 'Rank-1'],
    [colors.baselineMAP, 'baseline mAP'],
    [colors.baselineRank1, 'baseline Rank-1'],
    ['url(#oracle-hatch)', 'oracle (evaluation used identity labels)'],
  ];
  let x = plotLeft - 200;
  const parts: string[] = [];
  for (const [fill, text] of items) {
    parts.push(`<rect x="${x}" y="38" width="12" height="12" fill="${fill}" stroke="#666" stroke-width="0.5"/>`);
    parts.push(`<text x="${x + 16}" y="48">${escapeXml(text)}</text>`);
    x += 24 + text.length * 6.5;
  }
  return parts.join('\n');
}

function renderGrid(plotBottom: number): string {
  const parts: string[] = [];
  for (let percent = 0; percent <= 100; percent += 20) {
    const x = xOf(percent / 100);
    parts.push(`<line x1="${x}" y1="${top - 6}" x2="${x}" y2="${plotBottom}" stroke="${colors.grid}"/>`);
    parts.push(`<text x="${x}" y="${plotBottom + 16}" text-anchor="middle">${percent}</text>`);
  }
  return parts.join('\n');
}

function renderGroup(group: ChartGroup, y: number): string {
  const labelColor = group.kind === 'oracle' ? colors.oracleText : colors.text;
  const parts = [
    `<g><title>${escapeXml(group.title)}</title>`,
    `<text x="${labelWidth}" y="${y + barHeight + 4}" text-anchor="end" fill="${labelColor}">${escapeXml(shorten(group.label))}</text>`,
  ];
  if (group.figures === null) {
    parts.push(`<text x="${plotLeft + 4}" y="${y + barHeight + 4}" font-style="italic">no figures yet</text>`);
  } else {
    parts.push(renderBar(group.figures.mAP, y, fillOf(group.kind, 'mAP'), group.kind === 'oracle'));
    parts.push(renderBar(group.figures.rank1, y + barHeight, fillOf(group.kind, 'rank1'), group.kind === 'oracle'));
  }
  parts.push('</g>');
  return parts.join('\n');
}

function renderBar(fraction: number, y: number, fill: string, hatched: boolean): string {
  const barWidth = Math.max(0, xOf(fraction) - plotLeft);
  const value = (fraction * 100).toFixed(1);
  const bar = `<rect x="${plotLeft}" y="${y}" width="${barWidth.toFixed(1)}" height="${barHeight - 1}" fill="${fill}" stroke="#555" stroke-width="0.5"/>`;
  const hatching = hatched ? `<rect x="${plotLeft}" y="${y}" width="${barWidth.toFixed(1)}" height="${barHeight - 1}" fill="url(#oracle-hatch)"/>` : '';
  return (
    bar +
    hatching +
    `<text x="${(plotLeft + barWidth + 4).toFixed(1)}" y="${y + barHeight - 3}" font-size="11">${value}</text>`
  );
}

function fillOf(kind: ChartGroup['kind'], figure: 'mAP' | 'rank1'): string {
  if (kind === 'baseline') return figure === 'mAP' ? colors.baselineMAP : colors.baselineRank1;
  return figure === 'mAP' ? colors.mAP : colors.rank1;
}

function xOf(fraction: number): number {
  return plotLeft + Math.min(1, Math.max(0, fraction)) * plotWidth;
}

function shorten(label: string): string {
  return label.length <= maxLabelCharacters ? label : `${label.slice(0, maxLabelCharacters - 1)}…`;
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
