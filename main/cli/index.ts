import { parseArgs } from 'node:util';
import { setLogLevel } from '../log';
import { serializeError, ValidationError } from '../errors';
import { commands, type Command, type Options } from './commands';
import { stopDistanceWorker } from '../retrieval/distance-worker-client';

/**
 * `mpreid COMMAND [options]`. Results go to stdout (one JSON object with
 * --json), progress and errors to stderr; a failure exits with status 1.
 */

const overview = `Usage: mpreid COMMAND [options]

Commands:
${Object.entries(commands)
  .map(([name, command]) => `  ${name.padEnd(10)}${command.summary}`)
  .join('\n')}

Run "mpreid COMMAND --help" for the options of one command.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(overview);
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    console.error(`mpreid: unknown command "${name}".\n\n${overview}`);
    return 1;
  }

  const { values, positionals } = parseCommandArgs(command, rest);
  if ((values as Options).help) {
    console.log(commandHelp(command));
    return 0;
  }
  // Log lines would interleave with the progress bar, and a failed job's error is printed below anyway.
  setLogLevel('error');
  const result = await command.run(values as Options, positionals);
  // Token id lists read best on one line; objects read best indented.
  const compact = (values as Options).json || (Array.isArray(result) && result.every((item) => typeof item === 'number'));
  console.log(compact ? JSON.stringify(result) : JSON.stringify(result, null, 2));
  return 0;
}

function parseCommandArgs(command: Command, args: string[]) {
  const options = Object.fromEntries(Object.entries(command.options).map(([key, option]) => [key, { type: option.type }]));
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's message ends with a hint about positional arguments that does not apply here.
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '.');
    throw new ValidationError(`${message} Run with --help for the options.`);
  }
}

function commandHelp(command: Command): string {
  const lines = Object.entries(command.options).map(([key, option]) => {
    const flag = option.type === 'string' ? `--${key} VALUE` : `--${key}`;
    return `  ${flag.padEnd(30)}${option.help}`;
  });
  return `${command.summary}\n\nUsage: ${command.usage}\n\nOptions:\n${lines.join('\n')}\n  ${'--help'.padEnd(30)}show this help`;
}

main(process.argv.slice(2)).then(
  // Exiting while the distance worker runs onnxruntime can abort the process.
  async (code) => {
    await stopDistanceWorker();
    process.exit(code);
  },
  (error: unknown) => {
    const { code, message } = serializeError(error);
    console.error(`mpreid: ${message}${code === 'internal' && error instanceof Error && error.stack ? `\n${error.stack}` : ''}`);
    process.exit(1);
  },
);
