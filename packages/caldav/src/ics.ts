import type { OutboundClient } from '@slotkeeper/outbound-http';
import type { Fetched, Prior } from './fetched.js';
import { header, send, sourceUrl, type SourceCredentials } from './request.js';
import { statusError } from './source-error.js';

/**
 * An ICS feed by GET, conditional on what the last fetch saw: a 304 means nothing to parse. Only a
 * 304: a 200 that repeats the old ETag is parsed again (Radicale answers so; a server whose ETag
 * never changes would otherwise freeze the busy times). Texts are the body as is; whether it is
 * iCalendar is the parser's call.
 */
export async function fetchIcs(
  client: OutboundClient,
  url: string,
  credentials: SourceCredentials | null,
  prior: Prior,
): Promise<Fetched> {
  const headers: Record<string, string> = {
    // Many feeds are served as text/plain or application/octet-stream: prefer iCalendar, take anything.
    accept: 'text/calendar, */*;q=0.1',
  };
  if (prior.etag) headers['if-none-match'] = prior.etag;
  if (prior.lastModified) headers['if-modified-since'] = prior.lastModified;
  const { response, what } = await send(client, 'GET', sourceUrl(url), credentials, headers);
  if (response.statusCode === 304) return { changed: false };
  if (response.statusCode !== 200) throw statusError(what, response.statusCode);
  return {
    changed: true,
    texts: [response.body],
    prior: { etag: header(response, 'etag'), lastModified: header(response, 'last-modified') },
  };
}
