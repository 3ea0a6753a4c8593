import type { Db } from '../db/workspace';
import { CancelledError, ConflictError, ExternalServiceError, ValidationError } from '../errors';
import type { ProgressReporter } from '../jobs/progress';
import { createLogger } from '../log';
import type { ChatSettings, GenerationReport, Instruction, PromptGenerator, ReplyCheckFailure } from './api-schemas';
import { readLabelledIdentities, wordsOf, type LabelledIdentity } from './attribute-words';
import { ChatRequestError, type ChatClient } from './chat-client';
import { cacheKeyOf, chatCacheKey, readCachedReply, storeCachedReply } from './generation-cache';
import { renderInstruction } from './instructions';
import { appendRevision, findPromptRow, readRevision, type PromptSubject } from './prompt-store';
import { checkReply, tidyReply } from './reply-checks';
import { markGenerated } from './reviews';
import { composeTemplateSentence, templateVersion } from './template-sentence';
import { requireDatasetRow } from './vocabulary';
import { runPool } from './worker-pool';

const log = createLogger('Prompts');

/** Request failures in a row after which a chat job stops: the endpoint is down, not one request unlucky. */
const maxConsecutiveFailures = 5;

export interface GenerationRequest {
  datasetId: number;
  generator: PromptGenerator;
  /** Identities to generate for; all identities of the dataset when absent. */
  personIds?: readonly number[];
  /** Replace prompts that an analyst edited, imported or reverted; they are kept by default. */
  overwriteEdits?: boolean;
}

/** Inputs of the generators besides the workspace; the chat generator also needs `client` and `instruction`. */
export interface GenerationContext {
  settings: ChatSettings;
  client?: ChatClient;
  instruction?: Instruction;
}

interface ChatGeneration {
  client: ChatClient;
  settings: ChatSettings;
  instruction: Instruction;
}

/** One identity that needs a new prompt, with the revision it had when the job looked. */
interface Target {
  identity: LabelledIdentity;
  words: string[];
  cacheKey: string;
  expectedRevision: number | null;
}

/**
 * Generates the ChatGPT prompt of each identity that has attribute labels,
 * with the offline template or a chat model. Each prompt is committed as it
 * arrives, so a cancelled or crashed job keeps its work, and a rerun skips
 * identities whose prompt came from the same words, instruction and model.
 */
export async function generatePrompts(db: Db, request: GenerationRequest, progress: ProgressReporter, context: GenerationContext): Promise<GenerationReport> {
  const started = performance.now();
  requireDatasetRow(db, request.datasetId);
  const chat = chatGeneration(request, context);

  const report = emptyReport(request, chat);
  const targets = selectTargets(db, request, report, chat);
  log.info('prompt generation started', { datasetId: request.datasetId, generator: request.generator, targets: targets.length, upToDate: report.upToDate });

  try {
    if (chat) await generateWithChat(db, targets, report, progress, chat);
    else generateFromTemplate(db, targets, report, progress, context.settings.maxReplyCharacters);
  } finally {
    report.totalTokens = report.promptTokens + report.completionTokens;
    report.estimatedCost = estimateCost(report, context.settings);
    report.seconds = (performance.now() - started) / 1000;
    log.info('prompt generation ended', { ...report, flaggedPersonIds: report.flaggedPersonIds.length, failedRequests: report.failedRequests.length });
  }
  return report;
}

function chatGeneration(request: GenerationRequest, context: GenerationContext): ChatGeneration | null {
  if (request.generator !== 'chat') return null;
  if (!context.client || !context.instruction) throw new ValidationError('The chat generator needs a chat client and an instruction.');
  return { client: context.client, settings: context.settings, instruction: context.instruction };
}

function emptyReport(request: GenerationRequest, chat: ChatGeneration | null): GenerationReport {
  return {
    datasetId: request.datasetId,
    generator: request.generator,
    model: chat ? chat.settings.model : `template-v${templateVersion}`,
    instructionVersion: chat ? chat.instruction.version : null,
    requested: 0,
    generated: 0,
    cached: 0,
    upToDate: 0,
    skippedEdited: 0,
    withoutAttributes: 0,
    failedChecks: 0,
    flaggedPersonIds: [],
    failedRequests: [],
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    estimatedCost: 0,
    seconds: 0,
  };
}

function selectTargets(db: Db, request: GenerationRequest, report: GenerationReport, chat: ChatGeneration | null): Target[] {
  const identities = readLabelledIdentities(db, request.datasetId, request.personIds);
  requireAllFound(request, identities);
  report.requested = identities.length;

  const targets: Target[] = [];
  for (const identity of identities) {
    const words = wordsOf(identity.labels);
    if (words.length === 0) {
      report.withoutAttributes += 1;
      continue;
    }
    const cacheKey = chat ? chatCacheKey(words, chat.instruction.version, chat.settings.model) : cacheKeyOf(['template', templateVersion, words]);
    const existing = findPromptRow(db, chatSubject(request.datasetId, identity.identityId));
    const current = existing ? readRevision(db, existing.id, existing.current_revision) : null;

    if (current?.source === 'generated' && current.cacheKey === cacheKey) report.upToDate += 1;
    else if (current && current.source !== 'generated' && !request.overwriteEdits) report.skippedEdited += 1;
    else targets.push({ identity, words, cacheKey, expectedRevision: current ? existing!.current_revision : null });
  }
  return targets;
}

function requireAllFound(request: GenerationRequest, identities: LabelledIdentity[]): void {
  if (!request.personIds) return;
  const found = new Set(identities.map((identity) => identity.personId));
  const missing = request.personIds.filter((personId) => !found.has(personId));
  if (missing.length > 0) {
    throw new ValidationError(`Dataset ${request.datasetId} has no identity with person id ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` (and ${missing.length - 10} more)` : ''}.`);
  }
}

export function chatSubject(datasetId: number, identityId: number): PromptSubject {
  return { datasetId, kind: 'chat', identityId, imageId: null, questionKey: null };
}

function generateFromTemplate(db: Db, targets: Target[], report: GenerationReport, progress: ProgressReporter, maxCharacters: number): void {
  targets.forEach((target, index) => {
    progress.throwIfCancelled();
    const text = composeTemplateSentence(target.identity.labels);
    const failures = checkReply(text, target.identity.labels, maxCharacters);
    if (commitGenerated(db, report, target, text, failures, { generator: 'template', model: report.model! })) report.generated += 1;
    progress.update('generating', index + 1, targets.length, `${report.failedChecks} failed checks`);
  });
}

async function generateWithChat(db: Db, targets: Target[], report: GenerationReport, progress: ProgressReporter, chat: ChatGeneration): Promise<void> {
  let done = 0;
  let consecutiveFailures = 0;

  await runPool(targets, chat.settings.concurrency, async (target) => {
    progress.throwIfCancelled();
    try {
      await generateOneWithChat(db, target, report, progress.signal, chat);
      consecutiveFailures = 0;
    } catch (error) {
      if (error instanceof CancelledError || !(error instanceof ChatRequestError) || error.scope === 'endpoint') throw error;
      report.failedRequests.push({ personId: target.identity.personId, message: error.message });
      log.warn('chat prompt failed', { personId: target.identity.personId, error });
      consecutiveFailures += 1;
      if (consecutiveFailures >= maxConsecutiveFailures) {
        throw new ExternalServiceError(`${consecutiveFailures} chat requests in a row failed, so generation stopped; the last error: ${error.message} Prompts generated so far are kept; run the job again to resume.`);
      }
    }
    done += 1;
    progress.update('generating', done, targets.length, describeRunningTotals(report, chat.settings));
  });
}

/** Describes the running counts that a progress bar shows beside done / total while chat replies arrive. */
function describeRunningTotals(report: GenerationReport, settings: ChatSettings): string {
  const tokens = report.promptTokens + report.completionTokens;
  const cost = estimateCost(report, settings);
  return `${report.failedChecks} failed checks, ${report.failedRequests.length} failed requests, ${tokens.toLocaleString('en-US')} tokens, estimated cost ${cost.toFixed(4)}`;
}

async function generateOneWithChat(db: Db, target: Target, report: GenerationReport, signal: AbortSignal, chat: ChatGeneration): Promise<void> {
  const { settings, instruction } = chat;
  const cached = readCachedReply(db, target.cacheKey);
  let text: string;
  let tokens = { promptTokens: 0, completionTokens: 0 };
  let attempts = 0;

  if (cached) {
    text = cached.reply;
  } else {
    const reply = await chat.client.complete([{ role: 'user', content: renderInstruction(instruction.text, target.words) }], signal);
    text = tidyReply(reply.text);
    tokens = { promptTokens: reply.promptTokens, completionTokens: reply.completionTokens };
    attempts = reply.attempts;
    report.promptTokens += reply.promptTokens;
    report.completionTokens += reply.completionTokens;
  }

  const failures = checkReply(text, target.identity.labels, settings.maxReplyCharacters);
  const detail = { ...tokens, attempts, cached: cached !== null };
  const committed = commitGenerated(db, report, target, text, failures, { generator: 'chat', model: settings.model, instructionVersion: instruction.version, detail });
  if (!committed) return;

  if (cached) report.cached += 1;
  else report.generated += 1;
  if (!cached && failures.length === 0) {
    storeCachedReply(db, target.cacheKey, { words: target.words, instructionVersion: instruction.version, model: settings.model }, { reply: text, ...tokens });
  }
}

/**
 * Stores one generated prompt and updates the identity's review status.
 * Returns false when an analyst changed the prompt while the job ran: their
 * revision stays and the identity counts as skipped.
 */
function commitGenerated(
  db: Db,
  report: GenerationReport,
  target: Target,
  text: string,
  failures: ReplyCheckFailure[],
  origin: { generator: string; model: string; instructionVersion?: number; detail?: Record<string, unknown> },
): boolean {
  const { identity } = target;
  try {
    db.transaction(() => {
      const revision = { text, source: 'generated' as const, cacheKey: target.cacheKey, failedChecks: failures, ...origin };
      appendRevision(db, chatSubject(report.datasetId, identity.identityId), revision, target.expectedRevision);
      markGenerated(db, identity.identityId, failures.map((failure) => failure.message));
    })();
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    report.skippedEdited += 1;
    log.info('prompt changed during generation; kept the newer revision', { personId: identity.personId });
    return false;
  }

  if (failures.length > 0) {
    report.failedChecks += 1;
    report.flaggedPersonIds.push(identity.personId);
  }
  return true;
}

function estimateCost(report: GenerationReport, settings: ChatSettings): number {
  return (report.promptTokens / 1000) * settings.inputPricePer1kTokens + (report.completionTokens / 1000) * settings.outputPricePer1kTokens;
}
