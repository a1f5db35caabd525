import { XMLParser } from 'fast-xml-parser';

export interface Propstat {
  status: number | null;
  prop: Record<string, unknown>;
}
export interface DavResponse {
  href: string | null;
  /** A response-level status (a `<status>` outside any propstat), as for a missing href. */
  status: number | null;
  propstats: Propstat[];
}

// Servers choose their own prefixes (D:, d:, none with a default namespace), so prefixes are
// stripped; the DAV and CalDAV names we read do not collide. Tag values stay strings (an ETag or
// ctag of digits must not become a number); `htmlEntities` also decodes numeric references, which
// some servers use for the CR of calendar-data (`&#13;`).
const parser = new XMLParser({
  removeNSPrefix: true,
  parseTagValue: false,
  htmlEntities: true,
  isArray: (name) => name === 'response' || name === 'propstat',
});

/** The responses of a `207 Multi-Status` body; null when the body is not a multistatus at all. */
export function parseMultistatus(xml: string): DavResponse[] | null {
  return readMultistatus(xml)?.responses ?? null;
}

/**
 * A multistatus with its top-level `sync-token` (RFC 6578: a sync-collection answer carries the
 * token that names the state it reports up to); null when the body is not a multistatus at all.
 */
export function readMultistatus(xml: string): { responses: DavResponse[]; syncToken: string | null } | null {
  const document = parse(xml);
  const multistatus = field(document, 'multistatus');
  if (multistatus === undefined) return null;
  // `<multistatus/>` (no responses) parses as an empty string.
  const responses = field(multistatus, 'response');
  return {
    responses: (Array.isArray(responses) ? responses : []).map(toResponse),
    syncToken: text(field(multistatus, 'sync-token'))?.trim() || null,
  };
}

/**
 * Whether an error body (`<D:error>`, RFC 4918 §16) names the precondition `name`, such as
 * `valid-sync-token`; false for any other body.
 */
export function namesPrecondition(xml: string, name: string): boolean {
  const error = field(parse(xml), 'error');
  return typeof error === 'object' && error !== null && name in error;
}

function parse(xml: string): unknown {
  try {
    return parser.parse(xml);
  } catch {
    return undefined;
  }
}

function toResponse(response: unknown): DavResponse {
  return {
    href: text(field(response, 'href')),
    status: statusCode(field(response, 'status')),
    propstats: arrayOf(field(response, 'propstat')).map((propstat) => {
      const prop = field(propstat, 'prop');
      return {
        status: statusCode(field(propstat, 'status')),
        prop: typeof prop === 'object' && prop !== null ? (prop as Record<string, unknown>) : {},
      };
    }),
  };
}

/** The props a response found (status 200), merged over its propstats. */
export function foundProps(response: DavResponse): Record<string, unknown> {
  return Object.assign({}, ...response.propstats.filter((p) => p.status === 200).map((p) => p.prop)) as Record<
    string,
    unknown
  >;
}

/** An element's text: `<a>x</a>` gives "x"; an element with children or attributes gives its `#text`. */
export function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  const inner = field(value, '#text');
  return typeof inner === 'string' ? inner : null;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

const arrayOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** `HTTP/1.1 200 OK` → 200. */
function statusCode(value: unknown): number | null {
  const match = /^\s*HTTP\/[\d.]+\s+(\d{3})/i.exec(text(value) ?? '');
  return match?.[1] === undefined ? null : Number(match[1]);
}
