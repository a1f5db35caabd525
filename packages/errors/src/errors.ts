/**
 * Domain errors with stable string codes. Domain code throws these; only the HTTP layer
 * (packages/http-kit) knows which status each code maps to.
 */
export const ErrorCode = {
  validation: 'validation-failed',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  notFound: 'not-found',
  slotTaken: 'slot-taken',
  duplicateEmail: 'duplicate-email',
  conflict: 'conflict',
  notBookable: 'not-bookable',
  idempotencyMismatch: 'idempotency-key-reused',
  unavailable: 'service-unavailable',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface FieldError {
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  /** Short, stable, human title of the problem type. */
  abstract readonly title: string;
  override name = this.constructor.name;
}

export class ValidationError extends DomainError {
  readonly code = ErrorCode.validation;
  readonly title = 'Invalid request';
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

export class UnauthorizedError extends DomainError {
  readonly code = ErrorCode.unauthorized;
  readonly title = 'Authentication required';
}

export class ForbiddenError extends DomainError {
  readonly code = ErrorCode.forbidden;
  readonly title = 'Not allowed';
}

export class NotFoundError extends DomainError {
  readonly code = ErrorCode.notFound;
  readonly title = 'Not found';
  constructor(
    readonly resource: string,
    readonly id: string,
  ) {
    super(`${resource} ${id} does not exist`);
  }
}

export class SlotTakenError extends DomainError {
  readonly code = ErrorCode.slotTaken;
  readonly title = 'Slot already booked';
  constructor(readonly conflictingEventId?: string) {
    super('the requested time overlaps an event already booked on this calendar');
  }
}

/**
 * The request is well-formed but conflicts with what is stored: deleting something still in use,
 * changing a canceled event. `detail` says what is in the way.
 */
export class ConflictError extends DomainError {
  readonly code = ErrorCode.conflict;
  readonly title = 'In conflict with what is stored';
}

export class DuplicateEmailError extends DomainError {
  readonly code = ErrorCode.duplicateEmail;
  readonly title = 'Email already registered';
  constructor(email: string) {
    super(`a user with email ${email} already exists`);
  }
}

/** Well-formed but not bookable: outside availability, expired link, past, notice, length. */
export class NotBookableError extends DomainError {
  readonly code = ErrorCode.notBookable;
  readonly title = 'Not bookable';
  constructor(
    readonly reason:
      'outside_availability' | 'link_expired' | 'in_past' | 'min_notice' | 'beyond_horizon' | 'wrong_duration',
    message: string,
  ) {
    super(message);
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly code = ErrorCode.idempotencyMismatch;
  readonly title = 'Idempotency key reused with a different request';
  constructor() {
    super('this Idempotency-Key was already used with a different request body');
  }
}

/** A dependency (another service, the database) cannot answer right now. */
export class ServiceUnavailableError extends DomainError {
  readonly code = ErrorCode.unavailable;
  readonly title = 'Service unavailable';
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
