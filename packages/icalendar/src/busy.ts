// Placeholder with the agreed signatures (/tmp/c16/plan.md); H1 replaces it.
import type { Interval } from '@slotkeeper/time';

export interface BusyOptions {
  ownerZone: string;
  window: Interval;
  ownCalendarId?: string;
  ignoreUids?: ReadonlySet<string>;
  nextTurn?: () => Promise<void>;
  maxIntervals?: number;
}
export interface BusyResult {
  busy: Interval[];
  events: number;
  skipped: number;
}
export class IcsParseError extends Error {}
export class BusyLimitError extends Error {}
export async function busyTimesOf(_icsTexts: readonly string[], _options: BusyOptions): Promise<BusyResult> {
  throw new Error('not yet');
}
