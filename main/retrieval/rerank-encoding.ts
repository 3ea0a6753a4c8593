import { squaredEuclidean } from './euclidean';
import type { NeighbourTable } from './rerank-neighbours';
import { type SparseRows, SparseRowsBuilder } from './sparse-rows';

/*
 * The k-reciprocal encoding of Zhong et al., "Re-ranking Person
 * Re-identification with k-reciprocal Encoding", CVPR 2017, over all items of
 * query + gallery. N(x, k) is x itself followed by its k nearest other items.
 * R(x, k) keeps the members y of N(x, k) for which x is in N(y, k).
 */

/** Number of entries of N(x, k) in the table: x itself plus k others, fewer when the set is small. */
function nearestCount(table: NeighbourTable, k: number): number {
  return Math.min(k + 1, table.width);
}

function isAmongNearest(table: NeighbourTable, item: number, candidate: number, k: number): boolean {
  const start = item * table.width;
  const end = start + nearestCount(table, k);
  for (let entry = start; entry < end; entry += 1) {
    if (table.indices[entry] === candidate) return true;
  }
  return false;
}

/** Computes R(x, k) for every item, as pattern-only sparse rows in neighbour order. */
export function reciprocalNeighbours(table: NeighbourTable, k: number): SparseRows {
  const builder = new SparseRowsBuilder(table.itemCount);
  const count = nearestCount(table, k);
  const members: number[] = [];

  for (let item = 0; item < table.itemCount; item += 1) {
    members.length = 0;
    for (let entry = 0; entry < count; entry += 1) {
      const neighbour = table.indices[item * table.width + entry];
      if (isAmongNearest(table, neighbour, item, k)) members.push(neighbour);
    }
    builder.addRow(members);
  }

  return builder.finish();
}

/**
 * Builds the k-reciprocal feature V of every item: a sparse row over all
 * items with weight exp(-d(x, y)) on each member y of the expanded set
 * R*(x, k1), scaled to sum 1. d is the squared Euclidean distance divided by
 * the largest one in x's row, so it lies in [0, 1].
 *
 * R*(x, k1) is R(x, k1) joined with R(c, round(k1 / 2)), halves rounded up,
 * of every candidate c in R(x, k1) that shares more than two thirds of its
 * members with R(x, k1). The strict threshold, squared distances and k2
 * counting the item itself match the authors' public code
 * (github.com/zhunzhong07/person-re-ranking, python-version), so re-ranked
 * figures stay comparable with published ones.
 */
export function encodeNeighbourhoods(table: NeighbourTable, features: Float32Array, dimension: number, k1: number): SparseRows {
  const reciprocal = reciprocalNeighbours(table, k1);
  const halfReciprocal = reciprocalNeighbours(table, Math.round(k1 / 2));
  const inReciprocal = new Int32Array(table.itemCount);
  const inExpanded = new Int32Array(table.itemCount);
  const builder = new SparseRowsBuilder(table.itemCount);

  for (let item = 0; item < table.itemCount; item += 1) {
    // Stamps of item + 1 mark set membership without clearing the arrays per item.
    const stamp = item + 1;
    const members = rowColumns(reciprocal, item);
    for (const member of members) {
      inReciprocal[member] = stamp;
      inExpanded[member] = stamp;
    }

    const expanded = [...members];
    for (const candidate of members) {
      const candidateMembers = rowColumns(halfReciprocal, candidate);
      const overlap = candidateMembers.filter((member) => inReciprocal[member] === stamp).length;
      if (3 * overlap <= 2 * candidateMembers.length) continue;

      for (const member of candidateMembers) {
        if (inExpanded[member] === stamp) continue;
        inExpanded[member] = stamp;
        expanded.push(member);
      }
    }

    expanded.sort((a, b) => a - b);
    builder.addRow(expanded, gaussianWeights(table, features, dimension, item, expanded));
  }

  return builder.finish();
}

/** exp(-scaled distance) from `item` to each member, normalised to sum 1. */
function gaussianWeights(table: NeighbourTable, features: Float32Array, dimension: number, item: number, members: number[]): Float64Array {
  // A zero row maximum means every feature equals this one, so any scale gives the same weights.
  const scale = table.rowMax[item] > 0 ? table.rowMax[item] : 1;
  const weights = new Float64Array(members.length);
  let total = 0;
  members.forEach((member, position) => {
    weights[position] = Math.exp(-squaredEuclidean(features, item, features, member, dimension) / scale);
    total += weights[position];
  });
  for (let position = 0; position < weights.length; position += 1) weights[position] /= total;
  return weights;
}

/**
 * Local query expansion: replaces each item's row by the mean of the rows of
 * N(x, k2 - 1), that is x and its k2 - 1 nearest others (k2 items in all).
 * Each result row still sums to 1.
 */
export function expandWithNearest(encoded: SparseRows, table: NeighbourTable, k2: number): SparseRows {
  const count = nearestCount(table, k2 - 1);
  const sums = new Float64Array(table.itemCount);
  const touchedStamp = new Int32Array(table.itemCount);
  const builder = new SparseRowsBuilder(table.itemCount);

  for (let item = 0; item < table.itemCount; item += 1) {
    const stamp = item + 1;
    const touched: number[] = [];
    for (let entry = 0; entry < count; entry += 1) {
      const neighbour = table.indices[item * table.width + entry];
      for (let position = encoded.rowStart[neighbour]; position < encoded.rowStart[neighbour + 1]; position += 1) {
        const column = encoded.columns[position];
        if (touchedStamp[column] !== stamp) {
          touchedStamp[column] = stamp;
          sums[column] = 0;
          touched.push(column);
        }
        sums[column] += encoded.values[position];
      }
    }

    touched.sort((a, b) => a - b);
    builder.addRow(touched, touched.map((column) => sums[column] / count));
  }

  return builder.finish();
}

/**
 * Transposes the gallery rows (items queryCount and above) of `encoded`:
 * row c of the result lists the gallery indices (item - queryCount) with a
 * non-zero weight on item c, and those weights.
 */
export function invertGalleryRows(encoded: SparseRows, queryCount: number): SparseRows {
  const itemCount = encoded.rowStart.length - 1;
  const firstEntry = encoded.rowStart[queryCount];
  const columnStart = new Int32Array(itemCount + 1);
  for (let position = firstEntry; position < encoded.columns.length; position += 1) columnStart[encoded.columns[position] + 1] += 1;
  for (let column = 0; column < itemCount; column += 1) columnStart[column + 1] += columnStart[column];

  const rows = new Int32Array(encoded.columns.length - firstEntry);
  const values = new Float64Array(rows.length);
  const next = columnStart.slice(0, itemCount);
  for (let item = queryCount; item < itemCount; item += 1) {
    for (let position = encoded.rowStart[item]; position < encoded.rowStart[item + 1]; position += 1) {
      const slot = next[encoded.columns[position]]++;
      rows[slot] = item - queryCount;
      values[slot] = encoded.values[position];
    }
  }

  return { rowStart: columnStart, columns: rows, values };
}

export function rowColumns(rows: SparseRows, row: number): number[] {
  return Array.from(rows.columns.subarray(rows.rowStart[row], rows.rowStart[row + 1]));
}
