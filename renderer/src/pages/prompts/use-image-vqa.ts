import { useEffect, useState } from 'react';
import type { ApiOutput } from '../../../../main/api/contract';
import { api } from '../../api/client';

export type ImageVqa = ApiOutput<'prompts.image'>;

/** Image pages read at once; a few keep the page responsive while the local server works through them. */
const concurrency = 4;

/**
 * Reads the VQA answer and sentence of every question for each image, to
 * count the answers per question. Null while reading or when `enabled` is false;
 * images whose read failed are left out.
 */
export function useImageVqa(imageIds: number[], enabled: boolean, generation: number): Map<number, ImageVqa> | null {
  const [answers, setAnswers] = useState<Map<number, ImageVqa> | null>(null);
  const key = enabled ? imageIds.join(',') : null;

  useEffect(() => {
    setAnswers(null);
    if (key === null || key === '') return;
    let current = true;
    const ids = key.split(',').map(Number);
    const found = new Map<number, ImageVqa>();
    let next = 0;

    const worker = async () => {
      while (current && next < ids.length) {
        const imageId = ids[next++];
        const vqa = await api['prompts.image']({ imageId }).catch(() => null);
        if (vqa) found.set(imageId, vqa);
      }
    };
    void Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker)).then(() => current && setAnswers(found));
    return () => {
      current = false;
    };
  }, [key, generation]);

  return answers;
}
