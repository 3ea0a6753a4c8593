/**
 * Error classes shared by every service. Each carries a stable `code` so that
 * IPC, HTTP and the command line can send `{ code, message }` and callers can
 * tell user mistakes apart from bugs.
 */

export const errorCodes = [
  'validation',
  'not_found',
  'dataset_format',
  'shape',
  'external_service',
  'cancelled',
  'not_supported',
  'conflict',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Input that a user or caller can fix: a bad argument, option or value. */
export class ValidationError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('validation', message, options);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('not_found', message, options);
  }
}

/** A dataset folder, image or attribute file that does not match what the importer reads. */
export class DatasetFormatError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('dataset_format', message, options);
  }
}

/** Tensor shapes or dtypes that do not agree. */
export class ShapeError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('shape', message, options);
  }
}

export class ExternalServiceError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('external_service', message, options);
  }
}

export class CancelledError extends AppError {
  constructor(message = 'The job was cancelled.') {
    super('cancelled', message);
  }
}

export class NotSupportedError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('not_supported', message, options);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('conflict', message, options);
  }
}

/** A broken invariant inside the workstation: a bug, never the user's fault. */
export class InternalError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('internal', message, options);
  }
}

export interface SerializedError {
  code: ErrorCode;
  message: string;
}

/** Converts any thrown value to the `{ code, message }` form that crosses IPC and HTTP. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof AppError) {
    return { code: error.code, message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message };
}

const errorClasses: Record<ErrorCode, new (message: string) => AppError> = {
  validation: ValidationError,
  not_found: NotFoundError,
  dataset_format: DatasetFormatError,
  shape: ShapeError,
  external_service: ExternalServiceError,
  cancelled: CancelledError,
  not_supported: NotSupportedError,
  conflict: ConflictError,
  internal: InternalError,
};

/**
 * Rebuilds an AppError on the calling side of IPC, HTTP or a worker thread,
 * as the class of its code, so `instanceof CancelledError` is true there too.
 */
export function deserializeError(payload: SerializedError): AppError {
  const code = errorCodes.includes(payload.code) ? payload.code : 'internal';
  return new errorClasses[code](payload.message);
}
