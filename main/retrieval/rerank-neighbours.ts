import { forEachNeighbourBlock } from './distance-blocks';

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
 * rows, row-major). ONNX Runtime computes each block of the itemCount^2
 * distance matrix and selects its nearest entries, so memory stays at two
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

  // Selecting `width` entries leaves `width - 1` others even when the item itself is among them.
  await forEachNeighbourBlock(features, features, dimension, width, {
    signal: options.signal,
    visit: (block) => {
      for (let row = 0; row < block.rowCount; row += 1) {
        const item = block.firstRow + row;
        table.rowMax[item] = block.rowMax[row];
        fillNeighbourRow(table, item, block.nearestIndices, row * block.nearestCount);
      }
      options.onRows?.(block.firstRow + block.rowCount);
    },
  });

  return table;
}

function fillNeighbourRow(table: NeighbourTable, item: number, nearest: BigInt64Array, offset: number): void {
  const start = item * table.width;
  table.indices[start] = item;

  let filled = 1;
  for (let entry = 0; entry < table.width && filled < table.width; entry += 1) {
    const neighbour = Number(nearest[offset + entry]);
    if (neighbour === item) continue;
    table.indices[start + filled] = neighbour;
    filled += 1;
  }
}
