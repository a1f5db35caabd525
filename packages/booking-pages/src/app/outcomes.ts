import type { Failure } from './api';
import { describeFailure } from './api';
import type { FieldErrors, FieldName } from './booking-form';
import { FIELD_LABELS } from './booking-form';

/** What a refused booking or reschedule means for the invitee. */
export type Refusal =
  | { kind: 'taken'; message: string }
  | { kind: 'invalid'; errors: FieldErrors; message: string }
  | { kind: 'retry'; message: string };

const FIELD_OF: [prefix: string, field: FieldName][] = [
  ['booker_name', 'name'],
  ['booked_by', 'email'],
  ['guests', 'guests'],
  ['notes', 'notes'],
];

export const TAKEN =
  'Sorry, that time was just taken or can no longer be booked. The times below are up to date: please pick another one.';

/** Reads a refusal: 409/422 mean the time is gone; 400 names the bad fields; the rest can be tried again. */
export function readRefusal(failure: Failure): Refusal {
  if (failure.kind === 'http' && (failure.status === 409 || failure.status === 422)) {
    return { kind: 'taken', message: TAKEN };
  }
  if (failure.kind === 'http' && failure.status === 400) {
    const errors: FieldErrors = {};
    const other: string[] = [];
    for (const { path, message } of failure.problem?.errors ?? []) {
      const field = FIELD_OF.find(([prefix]) => path === prefix || path.startsWith(`${prefix}.`))?.[1];
      if (field) errors[field] ??= message;
      else other.push(message);
    }
    const named = (Object.keys(errors) as FieldName[]).map((field) => `${FIELD_LABELS[field]}: ${errors[field]}`);
    const parts = [...named, ...other];
    const message = parts.length
      ? `Please check these details. ${parts.join('. ')}.`
      : `Please check your details. ${describeFailure(failure)}`;
    return { kind: 'invalid', errors, message };
  }
  return { kind: 'retry', message: describeFailure(failure) };
}
