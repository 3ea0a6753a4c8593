import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDispatcher } from '../api/dispatcher';
import { apiHandlers } from '../api/handlers';
import { closeAppContext, createAppContext } from '../app-context';
import { stopDistanceWorker } from '../retrieval/distance-worker-client';
import { configureLogFile, createLogger } from '../log';
import { defaultWorkspacePath } from '../workspace-location';
import { createToken } from './auth';
import { startWebServer } from './web-server';

/**
 * `npm run serve`: the workstation in a browser, for a machine without a
 * desktop (a GPU server reached through an SSH tunnel). Prints one JSON line
 * with the URL, which carries the token that every request must present.
 */

const log = createLogger('Serve');

const usage = `Usage: npm run serve -- [--workspace FILE.mpreid] [--port N]

  --workspace FILE  workspace file to open or create (default: ${defaultWorkspacePath()})
  --port N          TCP port on 127.0.0.1 (default 0: a free port)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { workspace: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const port = Number(values.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port} is not a port number from 0 to 65535.`);

  const workspacePath = resolve(values.workspace ?? defaultWorkspacePath());
  configureLogFile(`${workspacePath}.log`);
  const context = createAppContext(workspacePath);
  const token = createToken();
  const server = await startWebServer({
    dispatch: createDispatcher(apiHandlers, context),
    events: context.events,
    token,
    staticDir: resolve(import.meta.dirname, '../../out/web'),
    port,
  });

  console.log(JSON.stringify({ url: server.url, port: server.port, token, workspace: workspacePath }));
  log.info('serving', { workspace: workspacePath, port: server.port });

  const stop = async () => {
    await server.close();
    // Exiting while the distance worker runs onnxruntime can abort the process.
    await stopDistanceWorker();
    closeAppContext(context);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(`mpreid serve: ${(error as Error).message}`);
  process.exit(1);
});
