import { formatInstant } from '@slotkeeper/time';

/** Renders instants for one response: UTC by default, or the request's `?tz=` zone. */
export type Render = (instant: Date | number) => string;

export const renderIn =
  (zone?: string): Render =>
  (instant) =>
    formatInstant(instant, zone);
