/**
 * What the gateway writes into each page (`<script type="application/json" id="page-data">`), so
 * the page starts without asking for it. Shared by the server (which writes it) and the app.
 */

/** A calendar's public facts, as `GET /api/calendar/calendars/{id}/public` answers them. */
export interface CalendarPublic {
  id: string;
  name: string;
  owner_name: string;
  timezone: string;
  meeting_duration_minutes: number | null;
  slot_interval_minutes: number | null;
  booking_horizon_days: number | null;
  min_notice_minutes: number | null;
}

export type PageData = { page: 'book'; calendar: CalendarPublic } | { page: 'booking'; event_id: string };

export const PAGE_DATA_ID = 'page-data';
