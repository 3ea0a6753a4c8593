import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { readAttributeFile } from '../main/datasets';
import { silentProgress } from '../main/jobs/progress';
import { exportHeads, measureAccuracy, trainHeads, type LabelledFeatures } from '../main/ml/attributes/train-heads';
import { labelRows, planHeads, type HeadPlan } from '../main/ml/attributes/head-plans';
import { computeDukeFeatures, dataRoot, listDukeImages, osnetDimension, type DukeSplit } from '../test/helpers/duke-features';

/**
 * Accuracy of attribute heads trained on frozen OSNet x0.25 (MSMT17)
 * features of the DukeMTMC-reID training split with the DukeMTMC-attribute
 * labels, measured on every query and gallery image of the 1,110 attributed
 * test identities. Features come from the test feature cache (.cache/test).
 * Prints one JSON line per head, then the mean, the time and the peak memory.
 */

/** Reads the features and labels of whole splits; each split is embedded and cached on its own, as the other benchmarks do. */
async function labelledSplits(splits: DukeSplit[], plans: readonly HeadPlan[], rows: Map<number, (number | null)[]>, names: string[]): Promise<LabelledFeatures> {
  const images = splits.flatMap((split) => listDukeImages(split));
  const features = new Float32Array(images.length * osnetDimension);
  let offset = 0;
  for (const split of splits) {
    const splitFeatures = await computeDukeFeatures(listDukeImages(split));
    features.set(splitFeatures, offset);
    offset += splitFeatures.length;
  }

  const codes = images.map((image) => {
    const values = rows.get(image.personId) ?? [];
    return new Map(names.flatMap((name, i) => (values[i] === null || values[i] === undefined ? [] : [[name, values[i]!] as const])));
  });
  return { features, featureWidth: osnetDimension, labels: labelRows(plans, codes) };
}

export async function runAttributeHeadsBench(epochs = 20, seed = 1) {
  const table = await readAttributeFile(join(dataRoot, 'attributes/duke_attribute.mat'), 'dukemtmc');
  const names = table.attributes.map((attribute) => attribute.name);
  const plans = planHeads(table.attributes);
  const train = await labelledSplits(['bounding_box_train'], plans, table.rows, names);
  // Every Duke test identity has attributes, so the test images are the whole query and gallery splits.
  const test = await labelledSplits(['query', 'bounding_box_test'], plans, table.rows, names);

  const started = performance.now();
  const trained = await trainHeads(plans, train, { epochs, seed }, silentProgress());
  const trainSeconds = (performance.now() - started) / 1000;
  const accuracy = await measureAccuracy(exportHeads(trained), plans, test);
  return { accuracy, trainSeconds, steps: trained.steps, finalLoss: trained.finalLoss, trainImages: train.features.length / osnetDimension, testImages: test.features.length / osnetDimension };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const epochs = Number(process.argv[2] ?? 20);
  const result = await runAttributeHeadsBench(epochs);
  const line = (figure: string, value: number, extra: Record<string, unknown> = {}) => console.log(JSON.stringify({ bench: 'attribute-heads', figure, value: Number(value.toFixed(4)), ...extra }));
  for (const head of result.accuracy) line(`accuracy_${head.attribute}`, head.accuracy, { images: head.images, majority: Number(head.majorityAccuracy.toFixed(4)) });
  line('mean_accuracy', result.accuracy.reduce((sum, head) => sum + head.accuracy, 0) / result.accuracy.length, { heads: result.accuracy.length, testImages: result.testImages });
  line('train_seconds', result.trainSeconds, { epochs, steps: result.steps, trainImages: result.trainImages, finalLoss: Number(result.finalLoss.toFixed(4)) });
  line('peak_rss_mib', process.resourceUsage().maxRSS / 1024, { maxRssKiB: process.resourceUsage().maxRSS });
}
