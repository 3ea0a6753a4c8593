/** Number of offending files quoted in an error message. */
const exampleCount = 5;

/**
 * Collects a few examples of one kind of problem and counts them all, so that a
 * folder with 100k bad files yields a short message and bounded memory. Keeps
 * the examples of lowest rank, so concurrent readers still quote the first files.
 */
export class ProblemList {
  count = 0;
  private readonly ranked: { rank: number; example: string }[] = [];

  /** Records one problem; `rank` orders examples and defaults to arrival order. */
  add(example: string, rank = this.count): void {
    this.count += 1;
    if (this.ranked.length === exampleCount && rank >= this.ranked[exampleCount - 1].rank) return;

    this.ranked.push({ rank, example });
    this.ranked.sort((a, b) => a.rank - b.rank);
    if (this.ranked.length > exampleCount) this.ranked.pop();
  }

  get examples(): string[] {
    return this.ranked.map((entry) => entry.example);
  }

  /** Returns the examples as a comma-separated list, followed by how many more there are. */
  describe(): string {
    const more = this.count > this.ranked.length ? `, and ${this.count - this.ranked.length} more` : '';
    return `${this.examples.join(', ')}${more}`;
  }
}

/** Returns "1 file" or "3 files": a count with its noun, for messages. */
export function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
