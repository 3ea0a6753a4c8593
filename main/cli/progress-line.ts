import type { JobProgress } from '../api/schemas';

/** Seconds between progress lines when stderr is a log file rather than a terminal. */
const plainIntervalSeconds = 5;

/**
 * Renders job progress on stderr: a redrawn bar on a terminal, an occasional
 * plain line otherwise. Stdout stays free for results.
 */
export function createProgressLine(stream: NodeJS.WriteStream = process.stderr): { update(event: JobProgress): void; finish(): void } {
  let lastPlain = 0;
  let drawn = false;

  return {
    update(event) {
      const line = formatProgress(event);
      if (stream.isTTY) {
        stream.write(`\r${line.padEnd(stream.columns ? stream.columns - 1 : 100)}`);
        drawn = true;
        return;
      }
      const now = Date.now() / 1000;
      if (now - lastPlain >= plainIntervalSeconds || event.done === event.total) {
        stream.write(`${line}\n`);
        lastPlain = now;
      }
    },
    finish() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}

export function formatProgress(event: JobProgress): string {
  const width = 24;
  const fraction = event.total > 0 ? Math.min(1, event.done / event.total) : 0;
  const filled = Math.round(fraction * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const rate = event.ratePerSecond === null ? '' : ` ${event.ratePerSecond.toFixed(1)}/s`;
  const eta = event.etaSeconds === null ? '' : ` ${formatDuration(event.etaSeconds)} left`;
  const label = event.phase === event.kind ? event.kind : `${event.kind} ${event.phase}`;
  const message = event.message ? `, ${event.message}` : '';
  return `${label} ${bar} ${event.done.toLocaleString('en-US')} / ${event.total.toLocaleString('en-US')}${rate}${eta}${message}`;
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.ceil(seconds - minutes * 60)} s`;
}
