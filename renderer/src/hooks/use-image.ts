import { useEffect, useState } from 'react';
import type { ApiOutput } from '../../../main/api/contract';
import { api } from '../api/client';

type ImageData = ApiOutput<'images.read'>;

/** Thumbnails kept in memory; at about 6 KB each for a 128-pixel JPEG this stays near 12 MB. */
const cacheLimit = 2000;
const cache = new Map<string, Promise<ImageData>>();

/** Loads an image of the workspace as a data URL, scaled to fit `maxSide`, sharing one request per image and size. */
export function useImage(imageId: number | null, maxSide: number): { image: ImageData | null; failed: boolean } {
  const [image, setImage] = useState<ImageData | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    setImage(null);
    setFailed(false);
    if (imageId === null) return;

    let current = true;
    readCached(imageId, maxSide)
      .then((loaded) => current && setImage(loaded))
      .catch(() => current && setFailed(true));
    return () => {
      current = false;
    };
  }, [imageId, maxSide]);

  return { image, failed };
}

function readCached(imageId: number, maxSide: number): Promise<ImageData> {
  const key = `${imageId}:${maxSide}`;
  const hit = cache.get(key);
  if (hit) {
    // Re-insert so that Map order tracks recent use and eviction drops the oldest.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }

  const request = api['images.read']({ imageId, maxSide });
  request.catch(() => cache.delete(key));
  cache.set(key, request);
  if (cache.size > cacheLimit) cache.delete(cache.keys().next().value as string);
  return request;
}
