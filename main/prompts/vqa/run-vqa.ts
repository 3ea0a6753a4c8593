import type { Split } from '../../api/schemas';
import type { Db } from '../../db/workspace';
import { AppError, CancelledError, ConflictError, ValidationError } from '../../errors';
import type { ProgressReporter } from '../../jobs/progress';
import { createLogger } from '../../log';
import type { VqaQuestion, VqaReport } from '../api-schemas';
import { ChatRequestError } from '../chat-client';
import { cacheKeyOf } from '../generation-cache';
import { appendRevision, findPromptRow, readRevision, type NewRevision, type PromptSubject } from '../prompt-store';
import { requireDatasetRow } from '../vocabulary';
import { runPool } from '../worker-pool';
import { unknownAnswer } from './answer-parsing';
import type { VqaAnswer, VqaAnswerProvider } from './answer-provider';
import { readQuestionBank } from './question-bank';
import { selectVqaImages, type VqaImageRow } from './vqa-images';
import { composeVqaSentence } from './vqa-sentences';

const log = createLogger('Prompts');

export interface VqaRequest {
  datasetId: number;
  personIds?: readonly number[];
  split?: Split;
  /** Replace answers and sentences that an analyst edited; they are kept by default. */
  overwriteEdits?: boolean;
}

/** An image with the questions it still needs answered. */
interface ImageTask {
  image: VqaImageRow;
  questions: VqaQuestion[];
}

/**
 * Answers the question bank for the images of a dataset and composes the
 * VQA sentences. Each image's answers are committed when they arrive; a rerun
 * skips answers made by the same provider version for the same question.
 */
export async function runVqa(db: Db, request: VqaRequest, provider: VqaAnswerProvider, progress: ProgressReporter, concurrency: number): Promise<VqaReport> {
  const started = performance.now();
  requireDatasetRow(db, request.datasetId);
  const questions = readQuestionBank(db).filter((question) => provider.supports(question));
  if (questions.length === 0) throw new ValidationError(`The ${provider.generator} provider answers none of the questions in the question bank. Map its outputs to question keys.`);

  const images = selectVqaImages(db, request);
  const report: VqaReport = { datasetId: request.datasetId, generator: provider.generator, model: provider.model, images: images.length, answeredImages: 0, upToDateImages: 0, answers: 0, unparsedAnswers: 0, sentences: 0, failedImages: [], promptTokens: 0, completionTokens: 0, seconds: 0 };
  const tasks = planTasks(db, request, provider, questions, images);
  report.upToDateImages = images.length - tasks.length;
  log.info('VQA started', { datasetId: request.datasetId, generator: provider.generator, model: provider.model, images: images.length, toAnswer: tasks.length });

  let done = 0;
  try {
    await runPool(tasks, concurrency, async (task) => {
      progress.throwIfCancelled();
      await answerImage(db, request, provider, task, report, progress.signal);
      done += 1;
      progress.update('answering', done, tasks.length);
    });
  } finally {
    report.seconds = (performance.now() - started) / 1000;
    log.info('VQA ended', { ...report, failedImages: report.failedImages.length });
  }
  return report;
}

export function answerCacheKey(provider: VqaAnswerProvider, question: VqaQuestion): string {
  return cacheKeyOf([provider.version, question.key, question.question, question.answerType, question.categories, question.withColour]);
}

function planTasks(db: Db, request: VqaRequest, provider: VqaAnswerProvider, questions: VqaQuestion[], images: VqaImageRow[]): ImageTask[] {
  const tasks: ImageTask[] = [];
  for (const image of images) {
    const needed = questions.filter((question) => {
      const row = findPromptRow(db, vqaSubject(request.datasetId, 'vqa_answer', image.imageId, question.key));
      if (!row) return true;
      const current = readRevision(db, row.id, row.current_revision);
      if (current.source === 'generated') return current.cacheKey !== answerCacheKey(provider, question);
      return request.overwriteEdits === true;
    });
    if (needed.length > 0) tasks.push({ image, questions: needed });
  }
  return tasks;
}

async function answerImage(db: Db, request: VqaRequest, provider: VqaAnswerProvider, task: ImageTask, report: VqaReport, signal: AbortSignal): Promise<void> {
  let answers: VqaAnswer[];
  try {
    answers = await provider.answer({ imageId: task.image.imageId, filePath: task.image.filePath }, task.questions, signal);
  } catch (error) {
    if (error instanceof CancelledError || signal.aborted) throw new CancelledError();
    if (error instanceof ChatRequestError && error.scope === 'endpoint') throw error;
    if (!(error instanceof AppError)) throw error;
    // NOTE: unlike chat prompt generation, a VQA job does not stop after repeated request failures; each image fails on its own.
    report.failedImages.push({ imageId: task.image.imageId, message: error.message });
    log.warn('VQA failed for an image', { imageId: task.image.imageId, error });
    return;
  }

  db.transaction(() => {
    for (const answer of answers) {
      const question = task.questions.find((candidate) => candidate.key === answer.questionKey)!;
      storeAnswer(db, request, provider, task.image.imageId, question, answer, report);
    }
  })();
  report.answeredImages += 1;
}

function storeAnswer(db: Db, request: VqaRequest, provider: VqaAnswerProvider, imageId: number, question: VqaQuestion, answer: VqaAnswer, report: VqaReport): void {
  const cacheKey = answerCacheKey(provider, question);
  const failedChecks = answer.answer === null ? [{ check: 'unparsed' as const, message: `The reply "${answer.raw.slice(0, 200)}" is not a ${question.answerType.replace('_', '/')} answer.` }] : [];
  const detail = { raw: answer.raw, promptTokens: answer.promptTokens, completionTokens: answer.completionTokens };
  report.promptTokens += answer.promptTokens;
  report.completionTokens += answer.completionTokens;

  const origin = { source: 'generated' as const, generator: provider.generator, model: provider.model };
  const answerSubject = vqaSubject(request.datasetId, 'vqa_answer', imageId, question.key);
  if (!writeGenerated(db, answerSubject, { ...origin, text: answer.answer ?? unknownAnswer, cacheKey, failedChecks, detail }, request.overwriteEdits)) return;
  report.answers += 1;
  if (answer.answer === null) {
    report.unparsedAnswers += 1;
    return;
  }

  const sentence = composeVqaSentence(question, answer.answer);
  if (sentence === null) return;
  const sentenceSubject = vqaSubject(request.datasetId, 'vqa_sentence', imageId, question.key);
  const sentenceKey = cacheKeyOf([cacheKey, answer.answer, question.templates]);
  if (writeGenerated(db, sentenceSubject, { ...origin, text: sentence, cacheKey: sentenceKey }, request.overwriteEdits)) report.sentences += 1;
}

/**
 * Appends a generated revision unless an analyst owns the current one (and
 * `overwriteEdits` is off) or the current one is identical. Runs in its own
 * savepoint, so an edit that races in leaves the rest of the image's answers intact.
 */
function writeGenerated(db: Db, subject: PromptSubject, revision: NewRevision, overwriteEdits = false): boolean {
  const row = findPromptRow(db, subject);
  if (row) {
    const current = readRevision(db, row.id, row.current_revision);
    if (current.source !== 'generated' && !overwriteEdits) return false;
    if (current.text === revision.text && current.cacheKey === revision.cacheKey) return false;
  }
  try {
    appendRevision(db, subject, revision, row ? row.current_revision : null);
    return true;
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    log.info('prompt changed during VQA; kept the newer revision', { kind: subject.kind, imageId: subject.imageId, questionKey: subject.questionKey });
    return false;
  }
}

export function vqaSubject(datasetId: number, kind: 'vqa_answer' | 'vqa_sentence', imageId: number, questionKey: string): PromptSubject {
  return { datasetId, kind, identityId: null, imageId, questionKey };
}
