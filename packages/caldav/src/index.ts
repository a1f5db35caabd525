// Placeholder with the agreed signatures (/tmp/c16/plan.md); H2 replaces it.
import type { OutboundClient } from '@slotkeeper/outbound-http';

export interface SourceCredentials {
  username: string;
  password: string;
}
export interface Prior {
  etag?: string | null;
  lastModified?: string | null;
  ctag?: string | null;
  syncToken?: string | null;
}
export type Fetched = { changed: false } | { changed: true; texts: string[]; prior: Prior };
export type SourceErrorKind = 'auth' | 'not_found' | 'not_calendar' | 'http' | 'network' | 'timeout' | 'too_large' | 'refused';
export class SourceError extends Error {
  constructor(
    readonly kind: SourceErrorKind,
    message: string,
  ) {
    super(message);
  }
}
type Creds = SourceCredentials | null;
export async function fetchIcs(_c: OutboundClient, _url: string, _cr: Creds, _p: Prior): Promise<Fetched> {
  throw new Error('not yet');
}
export async function fetchCalDav(
  _c: OutboundClient,
  _url: string,
  _cr: Creds,
  _p: Prior,
  _w: { start: Date; end: Date },
): Promise<Fetched> {
  throw new Error('not yet');
}
export async function putEvent(_c: OutboundClient, _u: string, _cr: Creds, _uid: string, _ics: string): Promise<void> {
  throw new Error('not yet');
}
export async function deleteEvent(_c: OutboundClient, _u: string, _cr: Creds, _uid: string): Promise<void> {
  throw new Error('not yet');
}
