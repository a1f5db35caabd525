import { ErrorCode, isDomainError, ValidationError, type FieldError } from '@slotkeeper/errors';
import type { Problem } from '@slotkeeper/contracts';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  [ErrorCode.validation]: 400,
  [ErrorCode.unauthorized]: 401,
  [ErrorCode.forbidden]: 403,
  [ErrorCode.notFound]: 404,
  [ErrorCode.slotTaken]: 409,
  [ErrorCode.duplicateEmail]: 409,
  [ErrorCode.conflict]: 409,
  [ErrorCode.notBookable]: 422,
  [ErrorCode.idempotencyMismatch]: 422,
  [ErrorCode.unavailable]: 503,
};

export const PROBLEM_BASE = 'https://slotkeeper.dev/problems/';

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message: string;
  validation?: unknown[];
  validationContext?: string;
}

/** Readable titles for Fastify's own client errors (bad JSON, body too large, ...). */
const FRAMEWORK_TITLES: Record<number, [string, string]> = {
  400: ['bad-request', 'Bad request'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  406: ['not-acceptable', 'Not acceptable'],
  408: ['request-timeout', 'Request timeout'],
  413: ['payload-too-large', 'Request body too large'],
  414: ['uri-too-long', 'Request URI too long'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  429: ['rate-limited', 'Too many requests'],
  431: ['request-header-fields-too-large', 'Request header fields too large'],
};

/** An HTTP-level refusal (405, 431, ...) for `toProblem`, where no domain error fits. */
export function httpError(statusCode: number, message: string): Error & { statusCode: number } {
  return Object.assign(new Error(message), { statusCode });
}

function zodFieldErrors(error: FastifyLikeError): FieldError[] {
  const where = error.validationContext && error.validationContext !== 'body' ? `${error.validationContext}.` : '';
  type Issue = { instancePath: string; message: string; params?: { keys?: string[] } };
  return (error.validation as Issue[]).flatMap((issue) => {
    const path = where + issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    // An unknown field is named by its own path, so a client sees which field to drop.
    const unknown = issue.params?.keys;
    if (unknown?.length)
      return unknown.map((key) => ({ path: path ? `${path}.${key}` : key, message: 'is not a known field' }));
    return [{ path, message: issue.message }];
  });
}

/** Maps anything thrown to a problem document; unknown errors become a generic 500. */
export function toProblem(error: unknown): Problem {
  if (isDomainError(error)) {
    const problem: Problem = {
      type: PROBLEM_BASE + error.code,
      title: error.title,
      status: STATUS_BY_CODE[error.code],
      detail: error.message,
    };
    if (error instanceof ValidationError && error.errors.length > 0) problem.errors = error.errors;
    return problem;
  }
  const candidate = error as FastifyLikeError;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = zodFieldErrors(candidate);
    return {
      type: PROBLEM_BASE + ErrorCode.validation,
      title: 'Invalid request',
      status: 400,
      detail: errors.map((e) => `${e.path || '(root)'}: ${e.message}`).join('; '),
      errors,
    };
  }
  const status = candidate?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const [slug, title] = FRAMEWORK_TITLES[status] ?? ['client-error', 'Client error'];
    return { type: PROBLEM_BASE + slug, title, status, detail: candidate.message };
  }
  return {
    type: PROBLEM_BASE + 'internal',
    title: 'Internal error',
    status: 500,
    detail: 'an unexpected error occurred',
  };
}
