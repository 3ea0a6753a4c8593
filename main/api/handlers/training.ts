import { toVqaProviderRequest, trainAttributeHeads } from '../../ml/attributes';
import {
  attributeHeadsDirectoryFor,
  clipWeightsPathFor,
  deleteTrainingRun,
  exportRunTable,
  getTrainingRun,
  listPresets,
  listTrainingRuns,
  mpreidTrainer,
  resumeTrainingRun,
  searchByText,
  startTrainingRun,
} from '../../training';
import { downloadClipTextWeights } from '../../ml/text';
import type { ApiHandlers } from '../dispatcher';

type TrainingMethod = 'training.presets' | 'training.start' | 'training.resume' | 'training.list' | 'training.get' | 'training.delete' | 'training.exportTable' | 'search.text' | 'textEncoder.downloadClip' | 'attributes.heads.train';

export const trainingHandlers: Pick<ApiHandlers, TrainingMethod> = {
  'training.presets': () => listPresets(mpreidTrainer),
  'training.start': (input, context) => startTrainingRun(context, mpreidTrainer, input),
  'training.resume': (input, context) => resumeTrainingRun(context, mpreidTrainer, input.runId),
  'training.list': (input, context) => listTrainingRuns(context.db, input.datasetId),
  'training.get': (input, context) => getTrainingRun(context.db, input.runId),
  'training.delete': async (input, context) => {
    await deleteTrainingRun(context, input.runId);
    return { ok: true as const };
  },
  'training.exportTable': (input, context) => exportRunTable(context.db, input),
  'search.text': (input, context) => searchByText(context, input),
  'textEncoder.downloadClip': (input, context) =>
    context.jobs.run('download', input, (progress) =>
      downloadClipTextWeights({ destination: clipWeightsPathFor(context.workspacePath, input.repository), repository: input.repository, baseUrl: process.env.MPREID_HF_ENDPOINT || undefined, progress }),
    ),
  'attributes.heads.train': (input, context) =>
    context.jobs.run('attribute-heads', input, async (progress) => {
      const outputDir = attributeHeadsDirectoryFor(context.workspacePath);
      const result = await trainAttributeHeads(context.db, { ...input, outputDir }, progress);
      return { modelPath: result.modelPath, accuracy: result.accuracy, meanAccuracy: result.meanAccuracy, questionKeys: result.questionKeys, vqaProvider: toVqaProviderRequest(result.vqaConfig) };
    }),
};
