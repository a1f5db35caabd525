/**
 * What the gateway writes into each page (`<script type="application/json" id="page-data">`), so
 * the page starts without asking for it. Shared by the server (which writes it) and the app.
 */
import type { components } from '@slotkeeper/contracts/openapi-types';

/** A calendar's public facts, as `GET /api/calendar/calendars/{id}/public` answers them. */
export type CalendarPublic = components['schemas']['PublicCalendar'];

export type PageData = { page: 'book'; calendar: CalendarPublic } | { page: 'booking'; event_id: string };

export const PAGE_DATA_ID = 'page-data';
