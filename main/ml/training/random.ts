/**
 * Seeded pseudo-random generator (mulberry32, 32-bit state). The whole state
 * is one integer, so checkpoints can store it and a resumed run draws the
 * same numbers as an uninterrupted one. Not for cryptographic use.
 */
export class SeededRandom {
  private stateValue: number;

  constructor(seed: number) {
    this.stateValue = seed >>> 0;
  }

  /** The generator state, for checkpoints. */
  get state(): number {
    return this.stateValue;
  }

  set state(value: number) {
    this.stateValue = value >>> 0;
  }

  nextUint32(): number {
    this.stateValue = (this.stateValue + 0x6d2b79f5) >>> 0;
    let t = this.stateValue;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, bound). */
  nextInt(bound: number): number {
    return Math.floor(this.nextFloat() * bound);
  }

  /** Standard normal sample (Box-Muller; one of the pair is discarded to keep the state a single integer). */
  nextNormal(): number {
    const u = 1 - this.nextFloat();
    const v = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Draws a dropout keep mask: 1 with probability 1 - `dropRatio`, else 0. */
  keepMask(length: number, dropRatio: number): Float32Array {
    const mask = new Float32Array(length);
    for (let i = 0; i < length; i++) mask[i] = this.nextFloat() < dropRatio ? 0 : 1;
    return mask;
  }

  /** Shuffles in place (Fisher-Yates). */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}
