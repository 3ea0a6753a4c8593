import { AppError, DatasetFormatError, InternalError, NotFoundError, NotSupportedError, ShapeError, ValidationError } from '../../errors';
import { EmbedRequestError } from './worker-pool';

type AppErrorClass = new (message: string, options?: { cause?: unknown }) => AppError;

const errorClasses: Partial<Record<AppError['code'], AppErrorClass>> = {
  dataset_format: DatasetFormatError,
  not_found: NotFoundError,
  not_supported: NotSupportedError,
  shape: ShapeError,
  validation: ValidationError,
};

/**
 * Turns the failure of one worker request into the caller's error: the
 * worker's message, which names the image that failed, plus how many images
 * a dataset job saved before it (null for a single image).
 */
export function describeRequestFailure(error: unknown, savedImages: number | null): AppError {
  const saved =
    savedImages === null ? '' : ` The embeddings of ${savedImages} images computed before the failure are saved, so a new run continues from there.`;

  if (error instanceof EmbedRequestError) {
    const ErrorClass = errorClasses[error.failure.code] ?? InternalError;
    return new ErrorClass(`${error.failure.message}${saved}`, { cause: error });
  }

  const message = error instanceof Error ? error.message : String(error);
  const ErrorClass = error instanceof AppError ? (errorClasses[error.code] ?? InternalError) : InternalError;
  return new ErrorClass(`${message}${saved}`, { cause: error });
}
