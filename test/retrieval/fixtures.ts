import type { LabelledSet } from '../../main/retrieval/labelled-set';

/**
 * Two-dimensional unit features on an arc: row i sits at angle 10 x (i + 1)
 * degrees, so from a query at angle 0 the distances grow with the row index
 * and the gallery order is 0, 1, 2, ...
 */
export function arcFeatures(count: number): Float32Array {
  const features = new Float32Array(count * 2);
  for (let row = 0; row < count; row += 1) {
    const angle = ((row + 1) * 10 * Math.PI) / 180;
    features[row * 2] = Math.cos(angle);
    features[row * 2 + 1] = Math.sin(angle);
  }
  return features;
}

/** Queries that all sit at angle 0, with the given (personId, cameraId) labels. */
export function queriesAtOrigin(labels: [personId: number, cameraId: number][]): LabelledSet {
  const features = new Float32Array(labels.length * 2);
  labels.forEach((_, row) => {
    features[row * 2] = 1;
  });
  return labelled(features, labels);
}

export function labelled(features: Float32Array, labels: [personId: number, cameraId: number][]): LabelledSet {
  return {
    features,
    personIds: Int32Array.from(labels, ([personId]) => personId),
    cameraIds: Int32Array.from(labels, ([, cameraId]) => cameraId),
  };
}

/** Deterministic uniform numbers in [0, 1) from a 32-bit linear congruential generator. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Random features clustered by identity: each row is its identity's centre
 * plus uniform noise of the given spread, with random cameras 1..cameraCount.
 */
export function clusteredSet(random: () => number, centres: Float32Array, dimension: number, rowCount: number, spread: number, cameraCount: number): LabelledSet {
  const identityCount = centres.length / dimension;
  const features = new Float32Array(rowCount * dimension);
  const personIds = new Int32Array(rowCount);
  const cameraIds = new Int32Array(rowCount);
  for (let row = 0; row < rowCount; row += 1) {
    personIds[row] = Math.floor(random() * identityCount);
    cameraIds[row] = 1 + Math.floor(random() * cameraCount);
    for (let k = 0; k < dimension; k += 1) {
      features[row * dimension + k] = centres[personIds[row] * dimension + k] + (random() - 0.5) * spread;
    }
  }
  return { features, personIds, cameraIds };
}
