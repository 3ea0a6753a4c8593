/**
 * Partial selection of the `capacity` nearest items: a bounded max-heap on
 * (distance, index), so equal distances are ordered by ascending index.
 * Offering n items costs O(n) comparisons plus O(log capacity) per item that
 * enters, which is far cheaper than sorting a whole gallery row.
 */
export class NearestList {
  readonly capacity: number;
  private readonly distances: Float64Array;
  private readonly indices: Int32Array;
  private size = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.distances = new Float64Array(capacity);
    this.indices = new Int32Array(capacity);
  }

  /**
   * Largest kept distance once the list is full, +Infinity before, and
   * -Infinity for a zero capacity. A farther item can never enter.
   */
  get bound(): number {
    if (this.capacity === 0) return -Infinity;
    return this.size < this.capacity ? Infinity : this.distances[0];
  }

  get length(): number {
    return this.size;
  }

  clear(): void {
    this.size = 0;
  }

  offer(distance: number, index: number): void {
    if (this.capacity === 0) return;

    if (this.size < this.capacity) {
      this.distances[this.size] = distance;
      this.indices[this.size] = index;
      this.size += 1;
      this.siftUp(this.size - 1);
      return;
    }

    if (!this.isFarther(this.distances[0], this.indices[0], distance, index)) return;
    this.distances[0] = distance;
    this.indices[0] = index;
    this.siftDown(0);
  }

  /** Returns the kept items nearest first. */
  sorted(): { index: number; distance: number }[] {
    const items: { index: number; distance: number }[] = [];
    for (let i = 0; i < this.size; i += 1) items.push({ index: this.indices[i], distance: this.distances[i] });
    return items.sort((a, b) => a.distance - b.distance || a.index - b.index);
  }

  /** Returns whether (distanceA, indexA) ranks after (distanceB, indexB). */
  private isFarther(distanceA: number, indexA: number, distanceB: number, indexB: number): boolean {
    return distanceA > distanceB || (distanceA === distanceB && indexA > indexB);
  }

  private siftUp(position: number): void {
    let child = position;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.isFarther(this.distances[child], this.indices[child], this.distances[parent], this.indices[parent])) return;
      this.swap(child, parent);
      child = parent;
    }
  }

  private siftDown(position: number): void {
    let parent = position;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let farthest = parent;
      if (left < this.size && this.isFarther(this.distances[left], this.indices[left], this.distances[farthest], this.indices[farthest])) farthest = left;
      if (right < this.size && this.isFarther(this.distances[right], this.indices[right], this.distances[farthest], this.indices[farthest])) farthest = right;
      if (farthest === parent) return;
      this.swap(parent, farthest);
      parent = farthest;
    }
  }

  private swap(a: number, b: number): void {
    const distance = this.distances[a];
    this.distances[a] = this.distances[b];
    this.distances[b] = distance;
    const index = this.indices[a];
    this.indices[a] = this.indices[b];
    this.indices[b] = index;
  }
}
