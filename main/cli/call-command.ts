import { apiContract, isApiMethodName, type ApiMethodName } from '../api/contract';
import { ValidationError } from '../errors';
import type { Command, Options } from './commands';
import { openCliSession, type CliSession } from './session';
import { summarizeRun, waitForTrainingRun } from './training-run';

/** Methods whose purpose is to fill a workspace, so they may create the file. */
const creatingMethods: readonly ApiMethodName[] = ['datasets.import'];

export const callCommand: Command = {
  summary: 'Call any API method with a JSON input and print its JSON output.',
  usage: [
    'mpreid call METHOD [--input JSON] [--workspace FILE] [--json]',
    '',
    'training.start and training.resume wait for the run, drawing its progress on stderr, and print the',
    'finished run; Ctrl+C cancels it. training.start reads the CLIP vocabulary from the vocabularyPath',
    'input, else from the MPREID_CLIP_VOCAB environment variable.',
    '',
    'Methods:',
    ...Object.entries(apiContract).map(([name, spec]) => `  ${name.padEnd(32)}${spec.summary}`),
  ].join('\n'),
  options: {
    workspace: { type: 'string', help: 'workspace file (.mpreid) to open; only datasets.import creates a missing one' },
    input: { type: 'string', help: 'the method input as JSON (default {})' },
    json: { type: 'boolean', help: 'print the result as one JSON object on stdout' },
  },
  run: (options, positionals) => runCall(options, positionals),
};

async function runCall(options: Options, positionals: string[]): Promise<unknown> {
  const method = positionals[0];
  if (!method || !isApiMethodName(method)) throw new ValidationError(`Unknown method "${method ?? ''}". Run "mpreid call --help" for the list.`);
  const workspace = options.workspace;
  if (typeof workspace !== 'string' || workspace === '') throw new ValidationError('Missing --workspace. Run with --help for usage.');
  const input = parseJson(String(options.input ?? '{}'), '--input');
  if (method === 'training.start') requireVocabulary(input);

  const session = openCliSession(workspace, { create: creatingMethods.includes(method) });
  try {
    const output = await session.call(method, input as never);
    if (method === 'training.start' || method === 'training.resume') return await waitForCalledRun(session, workspace, output);
    return output;
  } finally {
    session.close();
  }
}

async function waitForCalledRun(session: CliSession, workspace: string, output: unknown): Promise<unknown> {
  const started = output as { runId: number; jobId: number | null };
  return summarizeRun(await waitForTrainingRun(session, workspace, started));
}

/**
 * Names the ways to give a vocabulary on this command line; the service's
 * own message points at mpreid train's --vocab, which call lacks.
 */
function requireVocabulary(input: unknown): void {
  const vocabularyPath = (input as { vocabularyPath?: unknown } | null)?.vocabularyPath;
  if (vocabularyPath !== undefined || process.env.MPREID_CLIP_VOCAB) return;
  throw new ValidationError(
    'No CLIP vocabulary given: add "vocabularyPath" to --input or set MPREID_CLIP_VOCAB, either naming bpe_simple_vocab_16e6.txt.gz or a folder with vocab.json and merges.txt.',
  );
}

function parseJson(text: string, optionName: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`${optionName} is not valid JSON: ${(error as Error).message}`);
  }
}
