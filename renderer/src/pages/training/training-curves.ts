import type { ApiOutput } from '../../../../main/api/contract';
import type { PlotMarker } from '../../components/line-plot';
import { thinPoints, type PlotPoint } from '../../components/plot-scale';

type RunDetail = ApiOutput<'training.get'>;
export type StepRecord = RunDetail['steps'][number];
export type EpochRecord = RunDetail['epochs'][number];
export type FigureName = 'mAP' | 'rank1' | 'rank5' | 'rank10' | 'mINP';

/** Points per loss line; a run of 100,000 steps still draws a light path. */
export const maxCurvePoints = 400;

export interface NamedPoints {
  name: string;
  points: PlotPoint[];
}

/** Step values that are diagnostics rather than loss terms; their scale would flatten the loss curves. */
export const diagnosticTerms = new Set(['gradient_norm']);

/**
 * Builds one line per loss term over the run's recorded steps. The x value
 * is the step's position across both stages, because each stage counts its
 * steps from 1. A term missing from some steps, such as one only stage 2
 * computes, gets points only where it was recorded.
 */
export function lossCurves(steps: StepRecord[], maxPoints = maxCurvePoints, include: (term: string) => boolean = (term) => !diagnosticTerms.has(term)): NamedPoints[] {
  const byTerm = new Map<string, PlotPoint[]>();
  steps.forEach((step, index) => {
    for (const [term, value] of Object.entries(step.losses)) {
      if (!include(term)) continue;
      if (!byTerm.has(term)) byTerm.set(term, []);
      byTerm.get(term)!.push({ x: index + 1, y: value });
    }
  });
  return [...byTerm].map(([name, points]) => ({ name, points: thinPoints(points, maxPoints) }));
}

/** Marks where each stage's steps begin on the loss curves' x axis, after the first stage. */
export function stageMarkers(steps: StepRecord[]): PlotMarker[] {
  const markers: PlotMarker[] = [];
  steps.forEach((step, index) => {
    if (index > 0 && step.stage !== steps[index - 1].stage) markers.push({ x: index + 1, label: stageLabel(step.stage) });
  });
  return markers;
}

export function stageLabel(stage: StepRecord['stage']): string {
  return stage === 'stage1' ? 'stage 1' : 'stage 2';
}

/** Picks one point per evaluated epoch, at the epoch's position in the run, with the figure as a fraction. */
export function figureByEpoch(epochs: EpochRecord[], figure: FigureName): PlotPoint[] {
  const points: PlotPoint[] = [];
  epochs.forEach((epoch, index) => {
    if (epoch.figures) points.push({ x: index + 1, y: epoch.figures[figure] });
  });
  return points;
}
