/** Number of offending files quoted in an error message. */
const exampleCount = 5;

/**
 * Collects a few examples of one kind of problem and counts them all, so that a
 * folder with 100k bad files yields a short message and bounded memory.
 */
export class ProblemList {
  count = 0;
  readonly examples: string[] = [];

  add(example: string): void {
    this.count += 1;
    if (this.examples.length < exampleCount) this.examples.push(example);
  }

  /** Returns the examples as a comma-separated list, followed by how many more there are. */
  describe(): string {
    const more = this.count > this.examples.length ? `, and ${this.count - this.examples.length} more` : '';
    return `${this.examples.join(', ')}${more}`;
  }
}
