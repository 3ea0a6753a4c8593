import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { CancelledError, InternalError } from '../../main/errors';
import { startModuleWorker, workerModuleUrl } from '../../main/ml/runtime';
import { forEachDistanceBlock, type DistanceBlock } from '../../main/retrieval/distance-blocks';
import { forEachDistanceBlockInWorker, stopDistanceWorker } from '../../main/retrieval/distance-worker-client';
import type { DistanceWorkerReply } from '../../main/retrieval/distance-worker-protocol';
import { l2Normalize } from '../../main/retrieval/normalize';
import { seededRandom } from './fixtures';

/*
 * 70,000 columns give blocks of floor(4 Mi / 70,000) = 59 rows, so 120 rows
 * make blocks of 59, 59 and 2 rows and 3,000 rows make 51 blocks.
 */
const dimension = 8;
const columnCount = 70_000;
const random = seededRandom(5);
const columns = randomUnitRows(columnCount);

function randomUnitRows(rowCount: number): Float32Array {
  return l2Normalize(new Float32Array(rowCount * dimension).map(() => random() - 0.5), dimension);
}

function copyBlock(block: DistanceBlock): { firstRow: number; rowCount: number; squaredDistances: Float32Array } {
  return { firstRow: block.firstRow, rowCount: block.rowCount, squaredDistances: block.squaredDistances.slice() };
}

afterAll(() => stopDistanceWorker());

describe('forEachDistanceBlockInWorker', () => {
  it('equals in-process blocks across boundaries', async () => {
    const rows = randomUnitRows(120);
    const inWorker: ReturnType<typeof copyBlock>[] = [];
    const inProcess: ReturnType<typeof copyBlock>[] = [];

    await forEachDistanceBlockInWorker(rows, columns, dimension, { visit: (block) => inWorker.push(copyBlock(block)) });
    await forEachDistanceBlock(rows, columns, dimension, { visit: (block) => inProcess.push(copyBlock(block)) });

    expect(inWorker.map((block) => [block.firstRow, block.rowCount])).toEqual([[0, 59], [59, 59], [118, 2]]);
    expect(inWorker.map((block) => block.squaredDistances.length)).toEqual([59 * columnCount, 59 * columnCount, 2 * columnCount]);
    inWorker.forEach((block, index) => {
      // Bit-identical, so rankings on either path agree exactly.
      expect(Buffer.from(block.squaredDistances.buffer).equals(Buffer.from(inProcess[index].squaredDistances.buffer)), `block ${index}`).toBe(true);
    });
  });

  it('shared matrices give same blocks', async () => {
    const rows = randomUnitRows(3);
    const sharedRows = new Float32Array(new SharedArrayBuffer(rows.byteLength));
    sharedRows.set(rows);
    const sharedColumns = new Float32Array(new SharedArrayBuffer(columns.byteLength));
    sharedColumns.set(columns);
    const fromShared: Float32Array[] = [];
    const fromPrivate: Float32Array[] = [];

    await forEachDistanceBlockInWorker(sharedRows, sharedColumns, dimension, { visit: (block) => fromShared.push(block.squaredDistances.slice()) });
    await forEachDistanceBlock(sharedRows, sharedColumns, dimension, { visit: (block) => fromShared.push(block.squaredDistances.slice()) });
    await forEachDistanceBlock(rows, columns, dimension, { visit: (block) => fromPrivate.push(block.squaredDistances.slice()) });

    expect(fromShared).toHaveLength(2);
    expect(fromShared[0]).toEqual(fromPrivate[0]);
    expect(fromShared[1]).toEqual(fromPrivate[0]);
  });

  it('cancel between blocks', async () => {
    const controller = new AbortController();
    let visited = 0;

    const run = forEachDistanceBlockInWorker(randomUnitRows(3_000), columns, dimension, {
      signal: controller.signal,
      visit: () => {
        visited += 1;
        controller.abort();
      },
    });

    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(visited).toBe(1);
  });

  it('next run after cancel', async () => {
    const rows = randomUnitRows(3);
    const controller = new AbortController();
    const cancelled = forEachDistanceBlockInWorker(randomUnitRows(3_000), columns, dimension, { signal: controller.signal, visit: () => controller.abort() });
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);

    const firstRows: number[] = [];
    await forEachDistanceBlockInWorker(rows, columns, dimension, { visit: (block) => firstRows.push(block.firstRow) });

    // Late blocks of the cancelled run never reach the new one.
    expect(firstRows).toEqual([0]);
  });

  it('worker exit rejects run', async () => {
    let visited = 0;

    const run = forEachDistanceBlockInWorker(randomUnitRows(3_000), columns, dimension, {
      visit: () => {
        visited += 1;
        if (visited === 1) void stopDistanceWorker();
      },
    });

    await expect(run).rejects.toBeInstanceOf(InternalError);
    expect(visited).toBeLessThan(51);
  });

  it('new worker after exit', async () => {
    await stopDistanceWorker();
    let rowsSeen = 0;

    await forEachDistanceBlockInWorker(randomUnitRows(10), columns, dimension, { visit: (block) => (rowsSeen += block.rowCount) });

    expect(rowsSeen).toBe(10);
  });

  it('aborted signal before start', async () => {
    const controller = new AbortController();
    controller.abort();

    await expect(forEachDistanceBlockInWorker(randomUnitRows(2), columns, dimension, { signal: controller.signal, visit: () => {} })).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('distance worker', () => {
  it('failed block replies with error', async () => {
    const worker = startModuleWorker(workerModuleUrl(new URL('../../main/retrieval/distance-blocks.ts', import.meta.url).href, 'distance-worker'), null);
    try {
      // Nine values cannot be a matrix of 2-value rows, so the block fails in the worker.
      worker.postMessage({ kind: 'open', runId: 1, rows: new Float32Array(4), columns: new Float32Array(9), dimension: 2, rowsPerBlock: 2 });
      worker.postMessage({ kind: 'block', runId: 1, firstRow: 0 });

      const [reply] = (await once(worker, 'message')) as [DistanceWorkerReply];

      expect(reply.kind).toBe('failed');
      if (reply.kind === 'failed') expect(reply.error.code).toBe('shape');
    } finally {
      await worker.terminate();
    }
  });
});
