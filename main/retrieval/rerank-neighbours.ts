import { forEachDistanceBlock } from './distance-blocks';
import { NearestList } from './nearest-list';

/**
 * The nearest neighbours of every item of query + gallery, found from the
 * full squared-distance matrix block by block without keeping it.
 */
export interface NeighbourTable {
  itemCount: number;
  /** Entries per item: the item itself plus min(k, itemCount - 1) others. */
  width: number;
  /**
   * Row-major itemCount x width item indices. Entry 0 of row i is i itself,
   * whatever rounding gives its self-distance; the rest are the nearest other
   * items by ascending (squared distance, index).
   */
  indices: Int32Array;
  /** Largest squared distance from each item to any item, used to scale distances into [0, 1]. */
  rowMax: Float64Array;
}

/**
 * Finds the `k` nearest other items of every row of `features` (unit-length
 * rows, row-major). Costs itemCount^2 x dimension multiply-adds in ONNX
 * Runtime plus one comparison per pair here. Memory stays at two distance
 * blocks plus the table.
 */
export async function findNearestNeighbours(
  features: Float32Array,
  dimension: number,
  k: number,
  options: { signal?: AbortSignal; onRows?(done: number): void },
): Promise<NeighbourTable> {
  const itemCount = features.length / dimension;
  const width = Math.min(k, itemCount - 1) + 1;
  const table: NeighbourTable = { itemCount, width, indices: new Int32Array(itemCount * width), rowMax: new Float64Array(itemCount) };
  const nearest = new NearestList(width - 1);

  await forEachDistanceBlock(features, features, dimension, {
    signal: options.signal,
    visit: (block) => {
      for (let row = 0; row < block.rowCount; row += 1) {
        const item = block.firstRow + row;
        fillNeighbourRow(table, item, nearest, block.squaredDistances, row * block.columnCount);
      }
      options.onRows?.(block.firstRow + block.rowCount);
    },
  });

  return table;
}

function fillNeighbourRow(table: NeighbourTable, item: number, nearest: NearestList, row: Float32Array, offset: number): void {
  nearest.clear();
  let rowMax = 0;
  for (let other = 0; other < table.itemCount; other += 1) {
    const value = row[offset + other];
    if (value > rowMax) rowMax = value;
    if (other !== item && value <= nearest.bound) nearest.offer(value, other);
  }

  const start = item * table.width;
  table.indices[start] = item;
  nearest.sorted().forEach(({ index }, position) => {
    table.indices[start + 1 + position] = index;
  });
  table.rowMax[item] = rowMax;
}
