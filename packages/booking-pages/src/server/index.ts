export type { CalendarPublic, PageData } from '../app/page-data.js';
export { ensureBuilt, sourceHash } from './build.js';
export { bookingPages, type BookingPagesOptions, type PublicLookup } from './pages-plugin.js';
