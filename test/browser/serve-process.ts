import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export const repoRoot = new URL('../..', import.meta.url).pathname;

export interface ServeProcess {
  url: string;
  port: number;
  token: string;
  /** Everything the server wrote to stderr, for failure messages. */
  errorOutput: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts `main/server/serve.ts` on a free port and waits for the JSON line with its URL.
 * `env` adds variables to the ones the test process passes on.
 */
export async function startServeProcess(workspacePath: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/server/serve.ts', '--workspace', workspacePath, '--port', '0'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });

  const started = await readStartLine(child, () => stderr);
  return { ...started, errorOutput: () => stderr, stop: () => stopChild(child) };
}

async function readStartLine(child: ChildProcess, stderr: () => string): Promise<{ url: string; port: number; token: string }> {
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`serve.ts exited with code ${code} before printing its URL:\n${stderr()}`);
  });
  const firstJsonLine = (async () => {
    for await (const line of lines) {
      if (line.startsWith('{')) return JSON.parse(line) as { url: string; port: number; token: string };
    }
    throw new Error(`serve.ts closed stdout without printing its URL:\n${stderr()}`);
  })();
  return Promise.race([firstJsonLine, exited]);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
