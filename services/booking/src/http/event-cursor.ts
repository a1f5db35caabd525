import { ValidationError } from '@slotkeeper/errors';

/*
 * The events list's cursor: opaque to clients, base64url of the last listed event's start (ISO,
 * UTC) and id, so the next page starts right after it in the order (start, id).
 */

const ID = /^[0-9a-f]{24}$/;

export const encodeCursor = (event: { start: Date; id: string }): string =>
  Buffer.from(`${event.start.toISOString()} ${event.id}`).toString('base64url');

const malformed = () =>
  new ValidationError('the cursor is not one from a Link header', [
    { path: 'querystring.cursor', message: 'must be the cursor of a Link header of this list' },
  ]);

/** The event a cursor names; a cursor that was not made by `encodeCursor` is a 400. */
export function decodeCursor(cursor: string): { start: Date; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  // Decoding is lenient: the round trip tells a cursor we made from anything else.
  if (Buffer.from(text).toString('base64url') !== cursor) throw malformed();
  const [iso, id, ...rest] = text.split(' ');
  const start = new Date(iso ?? '');
  if (rest.length > 0 || !id || !ID.test(id) || Number.isNaN(start.getTime()) || start.toISOString() !== iso)
    throw malformed();
  return { start, id };
}

/** `Link: <path?query>; rel="next"`: the request's own path and query, with the next cursor. */
export function nextPageLink(url: string, cursor: string): string {
  const [path, query = ''] = url.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  params.set('cursor', cursor);
  return `<${path}?${params.toString()}>; rel="next"`;
}
