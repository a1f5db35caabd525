export type { CalDavObject, CalDavSynced, Fetched, Prior } from './fetched.js';
export type { SourceCredentials } from './request.js';
export { SourceError, type SourceErrorKind } from './source-error.js';
export { fetchIcs } from './ics.js';
export { fetchCalDav, putEvent, deleteEvent } from './caldav.js';
export { syncCalDav, MULTIGET_BATCH } from './caldav-sync.js';
