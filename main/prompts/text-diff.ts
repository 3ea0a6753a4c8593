/** One run of a word-level diff: text kept, removed from the earlier text, or added in the later one. */
export interface DiffSegment {
  op: 'equal' | 'delete' | 'insert';
  text: string;
}

/**
 * Token count above which the quadratic longest-common-subsequence table is
 * skipped and the texts are shown as one deletion and one insertion. Prompts
 * are one or a few sentences, far below it.
 */
const maxTokens = 4000;

/** Diffs two texts word by word (whitespace runs are tokens too), so joining the segments gives either text back. */
export function diffWords(before: string, after: string): DiffSegment[] {
  const a = tokenize(before);
  const b = tokenize(after);
  if (a.length > maxTokens || b.length > maxTokens) return wholeReplacement(before, after);

  const table = commonSuffixLengths(a, b);
  const segments: DiffSegment[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      push(segments, 'equal', a[i++]);
      j++;
    } else if (table[i + 1][j] >= table[i][j + 1]) {
      push(segments, 'delete', a[i++]);
    } else {
      push(segments, 'insert', b[j++]);
    }
  }
  while (i < a.length) push(segments, 'delete', a[i++]);
  while (j < b.length) push(segments, 'insert', b[j++]);
  return segments;
}

function tokenize(text: string): string[] {
  return text.match(/\s+|\S+/g) ?? [];
}

/** table[i][j]: length of the longest common subsequence of a[i..] and b[j..]. */
function commonSuffixLengths(a: string[], b: string[]): Uint32Array[] {
  const table = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  return table;
}

/** Appends a token, merging it into the last segment when the operation is the same. */
function push(segments: DiffSegment[], op: DiffSegment['op'], token: string): void {
  const last = segments[segments.length - 1];
  if (last?.op === op) last.text += token;
  else segments.push({ op, text: token });
}

function wholeReplacement(before: string, after: string): DiffSegment[] {
  const segments: DiffSegment[] = [];
  if (before) segments.push({ op: 'delete', text: before });
  if (after) segments.push({ op: 'insert', text: after });
  return segments;
}
