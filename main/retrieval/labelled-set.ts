import { ShapeError, ValidationError } from '../errors';
import { countRows } from './normalize';

/** Features of one split with the person id and camera id of each row. */
export interface LabelledSet {
  /** Row-major, one row of `dimension` values per image. */
  features: Float32Array;
  personIds: Int32Array;
  cameraIds: Int32Array;
}

/** Returns the row count of `set`, or throws when its arrays disagree or it is empty. */
export function checkLabelledSet(set: LabelledSet, dimension: number, name: 'query' | 'gallery'): number {
  const rowCount = countRows(set.features, dimension, `The ${name} features`);
  if (set.personIds.length !== rowCount || set.cameraIds.length !== rowCount) {
    throw new ShapeError(
      `The ${name} set has ${rowCount} feature rows but ${set.personIds.length} person ids and ${set.cameraIds.length} camera ids; pass one label of each per row.`,
    );
  }
  if (rowCount === 0) throw new ValidationError(`The ${name} set is empty; import or embed its images first.`);
  return rowCount;
}
