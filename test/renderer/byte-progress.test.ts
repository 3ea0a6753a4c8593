import { describe, expect, it } from 'vitest';
import { formatMegabytes } from '../../renderer/src/components/byte-progress';

/** Decimal separator of the default locale, which formatMegabytes follows like the other renderer formats. */
const point = (1.5).toLocaleString().charAt(1);

describe('formatMegabytes', () => {
  it('uses decimal megabytes with one decimal', () => {
    expect(formatMegabytes(598_641_023)).toBe(`598${point}6 MB`);
    expect(formatMegabytes(16 * 1024 * 1024)).toBe(`16${point}8 MB`);
  });

  it('keeps one decimal for zero and small counts', () => {
    expect(formatMegabytes(0)).toBe(`0${point}0 MB`);
    expect(formatMegabytes(49_999)).toBe(`0${point}0 MB`);
    expect(formatMegabytes(50_000)).toBe(`0${point}1 MB`);
  });
});
