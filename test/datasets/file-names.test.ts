import { describe, expect, it } from 'vitest';
import { detectLayout, parseFileName } from '../../main/datasets/file-names';

describe('parseFileName', () => {
  it('market name', () => {
    expect(parseFileName('market1501', '0002_c1s1_000451_03.jpg')).toEqual({ personId: 2, cameraId: 1 });
  });

  it('market junk and distractor', () => {
    expect(parseFileName('market1501', '-1_c3s2_010101_01.jpg')).toEqual({ personId: -1, cameraId: 3 });
    expect(parseFileName('market1501', '0000_c6s4_002427_02.jpg')).toEqual({ personId: 0, cameraId: 6 });
  });

  it('duke name', () => {
    expect(parseFileName('dukemtmc', '0005_c2_f0046985.jpg')).toEqual({ personId: 5, cameraId: 2 });
    expect(parseFileName('dukemtmc', '7140_c8_f0123456.JPG')).toEqual({ personId: 7140, cameraId: 8 });
  });

  it('png and jpeg extensions', () => {
    expect(parseFileName('dukemtmc', '0005_c2_f0046985.png')).toEqual({ personId: 5, cameraId: 2 });
    expect(parseFileName('market1501', '0002_c1s1_000451_03.jpeg')).toEqual({ personId: 2, cameraId: 1 });
  });

  it('names of the other layout', () => {
    expect(parseFileName('market1501', '0005_c2_f0046985.jpg')).toBeNull();
    expect(parseFileName('dukemtmc', '0002_c1s1_000451_03.jpg')).toBeNull();
  });

  it('malformed names', () => {
    const names = ['l0387_c6s2_006743_00.jpg', '002_c1s1_000451_03.jpg', '0002_c1s1_000451_03.gif', '0002_c1s1_00045_03.jpg', '-1_c2_f0046985.jpg', '0005_c2_f0046985.jpg.bak', ''];
    for (const name of names) {
      expect(parseFileName('market1501', name), name).toBeNull();
      expect(parseFileName('dukemtmc', name), name).toBeNull();
    }
  });
});

describe('detectLayout', () => {
  it('all market names', () => {
    expect(detectLayout(['0002_c1s1_000451_03.jpg', '-1_c1s1_000401_03.jpg'])).toBe('market1501');
  });

  it('all duke names', () => {
    expect(detectLayout(['0005_c2_f0046985.jpg', '0019_c1_f0051470.jpg'])).toBe('dukemtmc');
  });

  it('majority wins over strays', () => {
    expect(detectLayout(['0005_c2_f0046985.jpg', '0019_c1_f0051470.jpg', '0002_c1s1_000451_03.jpg', 'notes.jpg'])).toBe('dukemtmc');
  });

  it('no matching name', () => {
    expect(detectLayout(['IMG_0001.jpg', 'person.png'])).toBeNull();
    expect(detectLayout([])).toBeNull();
  });
});
