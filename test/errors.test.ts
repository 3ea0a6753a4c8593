import { describe, expect, it } from 'vitest';
import { AppError, CancelledError, ConflictError, deserializeError, errorCodes, InternalError, serializeError, ValidationError } from '../main/errors';

describe('deserializeError', () => {
  it('rebuilds the class of each code', () => {
    for (const code of errorCodes) {
      const rebuilt = deserializeError({ code, message: `a ${code} error` });
      expect(rebuilt.code).toBe(code);
      expect(rebuilt.message).toBe(`a ${code} error`);
    }
    expect(deserializeError(serializeError(new CancelledError()))).toBeInstanceOf(CancelledError);
    expect(deserializeError(serializeError(new ConflictError('busy')))).toBeInstanceOf(ConflictError);
    expect(deserializeError(serializeError(new ValidationError('bad')))).toBeInstanceOf(ValidationError);
  });

  it('turns an unknown code into an internal error', () => {
    const rebuilt = deserializeError({ code: 'surprise' as never, message: 'odd' });

    expect(rebuilt).toBeInstanceOf(InternalError);
    expect(rebuilt).toBeInstanceOf(AppError);
  });
});
