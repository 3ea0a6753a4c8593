import type { ImportReport, Split } from '../api/schemas';
import { distractorPersonId } from './file-names';
import type { ImportedImage } from './read-images';

type SplitCounts = ImportReport['splits'][Split];

/**
 * Images, identities and cameras per split. `identities` leaves out the
 * distractor identity (person id 0), whose images still count in `images`.
 */
export function countSplits(images: readonly ImportedImage[]): ImportReport['splits'] {
  const identities = { train: new Set<number>(), query: new Set<number>(), gallery: new Set<number>() };
  const cameras = { train: new Set<number>(), query: new Set<number>(), gallery: new Set<number>() };
  const imageCounts = { train: 0, query: 0, gallery: 0 };

  for (const image of images) {
    imageCounts[image.split] += 1;
    cameras[image.split].add(image.cameraId);
    if (image.personId !== distractorPersonId) identities[image.split].add(image.personId);
  }

  const counts = (split: Split): SplitCounts => ({
    images: imageCounts[split],
    identities: identities[split].size,
    cameras: [...cameras[split]].sort((a, b) => a - b),
  });
  return { train: counts('train'), query: counts('query'), gallery: counts('gallery') };
}
