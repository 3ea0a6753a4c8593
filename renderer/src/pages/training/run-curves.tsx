import { SimpleGrid, Text } from '@mantine/core';
import { formatPercent } from '../../components/format';
import { LinePlot, seriesColors, type PlotSeries } from '../../components/line-plot';
import type { RetrievalFigures } from '../../../../main/api/schemas';
import { diagnosticTerms, figureByEpoch, lossCurves, maxCurvePoints, stageMarkers, type EpochRecord, type StepRecord } from './training-curves';

const lossFormat = (value: number) => (Math.abs(value) >= 10 ? value.toFixed(0) : value.toFixed(1));
const percentTick = (fraction: number) => (fraction * 100).toFixed(0);

/** Plots the loss curves of every term over the recorded steps, mAP and Rank-1 by epoch, and the gradient norm when the run records it. */
export function RunCurves({ steps, epochs, baseline }: { steps: StepRecord[]; epochs: EpochRecord[]; baseline: RetrievalFigures | null }) {
  const losses = lossCurves(steps).map((curve, index) => ({ ...curve, color: seriesColors[index % seriesColors.length] }));
  const diagnostics = lossCurves(steps, maxCurvePoints, (term) => diagnosticTerms.has(term)).map((curve, index) => ({ ...curve, color: seriesColors[(index + 3) % seriesColors.length] }));
  const mAP = figureByEpoch(epochs, 'mAP');
  const rank1 = figureByEpoch(epochs, 'rank1');
  const figureSeries: PlotSeries[] = [
    { name: 'mAP', points: mAP, color: seriesColors[0] },
    { name: 'Rank-1', points: rank1, color: seriesColors[1] },
  ];
  if (baseline && mAP.length > 0) {
    // The frozen features' mAP, drawn across the evaluated epochs for comparison.
    const span = [mAP[0].x, mAP[mAP.length - 1].x];
    figureSeries.push({ name: `baseline mAP ${formatPercent(baseline.mAP)}`, points: span.map((x) => ({ x, y: baseline.mAP })), color: 'var(--mantine-color-dimmed)', dashed: true });
  }

  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm">
      {steps.length > 0 ? (
        <LinePlot title="Loss per step" series={losses} xLabel="Step" yLabel="Loss" yFormat={lossFormat} markers={stageMarkers(steps)} testId="loss-curves" />
      ) : (
        <Text size="sm" c="dimmed">
          No steps recorded yet.
        </Text>
      )}
      {mAP.length > 0 && (
        <LinePlot title="mAP and Rank-1 by epoch" series={figureSeries} xLabel="Epoch, counted across both stages" yLabel="%" yDomain={[0, 1]} yFormat={percentTick} testId="map-by-epoch" />
      )}
      {diagnostics.length > 0 && (
        <LinePlot title="Gradient norm per step" series={diagnostics} xLabel="Step" yLabel="Norm" yFormat={lossFormat} markers={stageMarkers(steps)} height={200} testId="gradient-norm" />
      )}
    </SimpleGrid>
  );
}
