import {
  AppError,
  ConflictError,
  DatasetFormatError,
  ExternalServiceError,
  InternalError,
  NotFoundError,
  NotSupportedError,
  ShapeError,
  ValidationError,
  type ErrorCode,
} from '../../errors';
import { EmbedRequestError } from './worker-pool';

type AppErrorClass = new (message: string, options?: { cause?: unknown }) => AppError;

/** Classes to rebuild an error from its code; cancellation never comes from a worker. */
const errorClasses: Record<Exclude<ErrorCode, 'cancelled'>, AppErrorClass> = {
  validation: ValidationError,
  not_found: NotFoundError,
  dataset_format: DatasetFormatError,
  shape: ShapeError,
  external_service: ExternalServiceError,
  not_supported: NotSupportedError,
  conflict: ConflictError,
  internal: InternalError,
};

/**
 * Turns the failure of one worker request into the caller's error: the
 * worker's message, which names the image that failed, plus how many images
 * a dataset job saved before it (null for a single image).
 */
export function describeRequestFailure(error: unknown, savedImages: number | null): AppError {
  const failure = error instanceof EmbedRequestError ? error.failure : error;
  if (savedImages === null && failure instanceof AppError && !(error instanceof EmbedRequestError)) return failure;

  const saved =
    savedImages === null ? '' : ` The embeddings of ${savedImages} images computed before the failure are saved, so a new run continues from there.`;
  const message = failure instanceof Error ? failure.message : String(failure);
  const code = failure instanceof AppError ? failure.code : 'internal';
  const ErrorClass = code === 'cancelled' ? InternalError : errorClasses[code];
  return new ErrorClass(`${message}${saved}`, { cause: error });
}
