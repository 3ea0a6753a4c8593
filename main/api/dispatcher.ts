import { z } from 'zod';
import { InternalError, ValidationError } from '../errors';
import { createLogger } from '../log';
import type { AppContext } from '../app-context';
import { apiContract, isApiMethodName, type ApiMethodName, type ApiOutput, type ApiParsedInput } from './contract';

const log = createLogger('Api');

export type ApiHandlers = {
  [M in ApiMethodName]: (input: ApiParsedInput<M>, context: AppContext) => Promise<ApiOutput<M>> | ApiOutput<M>;
};

export type ApiDispatch = (method: string, input: unknown) => Promise<unknown>;

/**
 * Validates a call against the contract, runs its handler and validates the
 * result. Every door (IPC, HTTP, CLI) goes through here, so no door can skip
 * input validation.
 */
export function createDispatcher(handlers: ApiHandlers, context: AppContext): ApiDispatch {
  return async (method, rawInput) => {
    if (!isApiMethodName(method)) {
      throw new ValidationError(`Unknown API method "${method}".`);
    }
    const spec = apiContract[method];
    const parsed = spec.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      throw new ValidationError(`Invalid input for ${method}: ${formatIssues(parsed.error)}`);
    }

    const handler = handlers[method] as (input: unknown, context: AppContext) => unknown;
    const output = await handler(parsed.data, context);

    const checked = spec.output.safeParse(output);
    if (!checked.success) {
      log.error('handler output breaks the contract', { method, issues: formatIssues(checked.error) });
      throw new InternalError(`The result of ${method} does not match the API contract: ${formatIssues(checked.error)}`);
    }
    return checked.data;
  };
}

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'input'}: ${issue.message}`)
    .join('; ');
}
