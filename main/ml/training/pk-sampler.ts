import { ValidationError } from '../../errors';
import type { SeededRandom } from './random';

/**
 * P x K batch sampler for metric learning: each batch contains `identities`
 * distinct identities with `samplesPerIdentity` images each, drawn with
 * replacement for identities with fewer images. Batches depend only on the
 * generator's state, so a checkpoint of that state resumes the same sequence.
 */
export class PkSampler {
  private readonly imagesByIdentity: number[][];

  constructor(
    labels: ArrayLike<number>,
    readonly identities: number,
    readonly samplesPerIdentity: number,
  ) {
    const groups = new Map<number, number[]>();
    for (let i = 0; i < labels.length; i++) {
      const group = groups.get(labels[i]) ?? [];
      group.push(i);
      groups.set(labels[i], group);
    }
    this.imagesByIdentity = [...groups.keys()].sort((a, b) => a - b).map((label) => groups.get(label)!);
    if (this.imagesByIdentity.length < identities) {
      throw new ValidationError(`A P x K batch needs ${identities} identities but the labels contain only ${this.imagesByIdentity.length}.`);
    }
  }

  get batchSize(): number {
    return this.identities * this.samplesPerIdentity;
  }

  /** Row indices of the next batch, identity by identity. */
  nextBatch(random: SeededRandom): number[] {
    const batch: number[] = [];
    for (const group of this.pickIdentities(random)) {
      const images = group.length >= this.samplesPerIdentity ? random.shuffle([...group]).slice(0, this.samplesPerIdentity) : [];
      while (images.length < this.samplesPerIdentity) images.push(group[random.nextInt(group.length)]);
      batch.push(...images);
    }
    return batch;
  }

  private pickIdentities(random: SeededRandom): number[][] {
    const chosen = new Set<number>();
    while (chosen.size < this.identities) chosen.add(random.nextInt(this.imagesByIdentity.length));
    return [...chosen].map((index) => this.imagesByIdentity[index]);
  }
}
