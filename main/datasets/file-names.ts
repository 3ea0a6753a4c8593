import type { Split } from '../api/schemas';

/** Dataset folder layouts the importer reads, as stored in `datasets.layout`. */
export type DatasetLayout = 'market1501' | 'dukemtmc';

/**
 * Market-1501 image name `PPPP_cCsS_FFFFFF_BB.jpg`: person id (`-1` marks junk,
 * `0000` distractors), camera, video sequence, frame and detection box index.
 */
export const marketFileName = /^(-1|\d{4})_c(\d)s(\d)_(\d{6})_(\d{2})\.(jpe?g|png)$/i;

/** DukeMTMC-reID image name `PPPP_cC_fFFFFFFF.jpg`: person id, camera and frame. */
export const dukeFileName = /^(\d{4})_c(\d)_f(\d{7})\.(jpe?g|png)$/i;

/** Person id that Market-1501 gives to junk detections; such images are dropped at import. */
export const junkPersonId = -1;

/** Person id of distractor images: gallery entries that match no query. */
export const distractorPersonId = 0;

export interface ParsedFileName {
  personId: number;
  cameraId: number;
}

export const layoutFileNames: Record<DatasetLayout, RegExp> = {
  market1501: marketFileName,
  dukemtmc: dukeFileName,
};

export const layoutTitles: Record<DatasetLayout, string> = {
  market1501: 'Market-1501',
  dukemtmc: 'DukeMTMC-reID',
};

/** Example names shown in error messages, one per layout. */
export const layoutExampleNames: Record<DatasetLayout, string> = {
  market1501: '0002_c1s1_000451_03.jpg',
  dukemtmc: '0005_c2_f0046985.jpg',
};

/** Split folders under a dataset root; `bounding_box_test` is the gallery. */
export const splitFolders: Record<Split, string> = {
  train: 'bounding_box_train',
  query: 'query',
  gallery: 'bounding_box_test',
};

/** Returns the person and camera encoded in `name`, or null when the name does not follow `layout`. */
export function parseFileName(layout: DatasetLayout, name: string): ParsedFileName | null {
  const match = layoutFileNames[layout].exec(name);
  if (!match) return null;

  return { personId: Number(match[1]), cameraId: Number(match[2]) };
}

/**
 * Picks the layout whose naming pattern matches the most of `names`, or null
 * when no name matches either pattern. Names that match neither are left to the
 * caller to report.
 */
export function detectLayout(names: Iterable<string>): DatasetLayout | null {
  let marketMatches = 0;
  let dukeMatches = 0;
  for (const name of names) {
    if (marketFileName.test(name)) marketMatches += 1;
    else if (dukeFileName.test(name)) dukeMatches += 1;
  }

  if (marketMatches === 0 && dukeMatches === 0) return null;
  return marketMatches >= dukeMatches ? 'market1501' : 'dukemtmc';
}
