import { describe, expect, it } from 'vitest';
import { ShapeError, ValidationError } from '../../main/errors';
import { rankGallery } from '../../main/retrieval/search';
import { arcFeatures, seededRandom } from './fixtures';

describe('rankGallery', () => {
  it('nearest first with distances', () => {
    // From angle 0, the arc rows lie at 10, 20, 30 and 40 degrees: chord length 2 sin(angle / 2).
    const ranked = rankGallery(new Float32Array([1, 0]), arcFeatures(4), 2, 3);

    expect(ranked.map((item) => item.galleryIndex)).toEqual([0, 1, 2]);
    ranked.forEach((item, position) => {
      expect(item.distance).toBeCloseTo(2 * Math.sin(((position + 1) * 10 * Math.PI) / 360), 6);
    });
  });

  it('excludes same camera same identity', () => {
    const personIds = [5, 5, 7, 5];
    const cameraIds = [1, 2, 1, 1];
    const queryPerson = 5;
    const queryCamera = 1;

    const ranked = rankGallery(new Float32Array([1, 0]), arcFeatures(4), 2, 4, (g) => personIds[g] === queryPerson && cameraIds[g] === queryCamera);

    expect(ranked.map((item) => item.galleryIndex)).toEqual([1, 2]);
  });

  it('ties by gallery index', () => {
    const gallery = new Float32Array([0, 1, 0.6, 0.8, 0.6, 0.8, 0.6, 0.8]);

    const ranked = rankGallery(new Float32Array([1, 0]), gallery, 2, 2);

    expect(ranked.map((item) => item.galleryIndex)).toEqual([1, 2]);
    expect(ranked[0].distance).toBe(ranked[1].distance);
  });

  it('topK beyond gallery size', () => {
    expect(rankGallery(new Float32Array([1, 0]), arcFeatures(3), 2, 10)).toHaveLength(3);
    expect(rankGallery(new Float32Array([1, 0]), arcFeatures(3), 2, 0)).toEqual([]);
  });

  it('matches full sort', () => {
    const random = seededRandom(31);
    const dimension = 12;
    const gallery = new Float32Array(500 * dimension).map(() => random() - 0.5);
    const query = new Float32Array(dimension).map(() => random() - 0.5);

    const ranked = rankGallery(query, gallery, dimension, 25);

    const distances = Array.from({ length: 500 }, (_, g) => {
      let sum = 0;
      for (let k = 0; k < dimension; k += 1) sum += (query[k] - gallery[g * dimension + k]) ** 2;
      return Math.sqrt(sum);
    });
    const order = [...distances.keys()].sort((a, b) => distances[a] - distances[b] || a - b);
    expect(ranked.map((item) => item.galleryIndex)).toEqual(order.slice(0, 25));
    ranked.forEach((item) => expect(item.distance).toBeCloseTo(distances[item.galleryIndex], 9));
  });

  it('bad input rejected', () => {
    expect(() => rankGallery(new Float32Array(3), arcFeatures(2), 2, 1)).toThrow(ShapeError);
    expect(() => rankGallery(new Float32Array(2), new Float32Array(5), 2, 1)).toThrow(ShapeError);
    expect(() => rankGallery(new Float32Array(2), arcFeatures(2), 2, -1)).toThrow(ValidationError);
  });
});
