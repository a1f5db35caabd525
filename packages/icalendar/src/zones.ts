import ICAL from 'ical.js';
import { IANAZone } from 'luxon';
import { findIana } from 'windows-iana';
import { localTimeToInstant } from '@slotkeeper/time';

const zones = new Map<string, string | null>();

/**
 * The IANA zone a TZID stands for when the file carries no VTIMEZONE of that name, or null
 * (unknown: the caller reads the time in the owner's zone). ical.js ships no zone data: it
 * leaves such times floating and would read their wall clock as UTC.
 */
export function ianaZoneOf(tzid: string): string | null {
  let zone = zones.get(tzid);
  if (zone === undefined) {
    zone = resolve(tzid.trim());
    // TZIDs come from outside: keep the cache bounded.
    if (zones.size >= 1_000) zones.clear();
    zones.set(tzid, zone);
  }
  return zone;
}

function resolve(tzid: string): string | null {
  if (IANAZone.isValidZone(tzid)) return tzid;
  // Windows names ("W. Europe Standard Time") from Outlook/Exchange: CLDR's zone for the name.
  const windows = findIana(tzid)[0];
  if (windows) return windows;
  // Olson names behind a vendor prefix: "/mozilla.org/20050126_1/Europe/Berlin" (Lightning,
  // Nextcloud) or "/softwarestudio.org/Olson_20011030_5/America/New_York"; names have 1 to 3 parts.
  if (tzid.startsWith('/')) {
    const parts = tzid.split('/');
    for (let n = 3; n >= 1; n--) {
      const name = parts.slice(-n).join('/');
      if (IANAZone.isValidZone(name)) return name;
    }
  }
  return null;
}

/** The TZID parameter of a property, if any (the parser has already removed its quotes). */
export function tzidOf(property: ICAL.Property): string | null {
  const tzid = property.getParameter('tzid');
  return typeof tzid === 'string' && tzid !== '' ? tzid : null;
}

/**
 * The instant (epoch ms) of an iCalendar time: a DATE is the start of that day in the owner's
 * zone; UTC and in-file VTIMEZONE times as ical.js resolved them; floating times in the owner's
 * zone; a TZID ical.js could not resolve in the zone it names (else the owner's).
 */
export function instantOf(time: ICAL.Time, tzid: string | null, ownerZone: string): number {
  const date = { year: time.year, month: time.month, day: time.day };
  if (time.isDate) return localTimeToInstant(date, 0, ownerZone);
  if (time.zone === ICAL.Timezone.utcTimezone) {
    return Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
  }
  if (time.zone && time.zone !== ICAL.Timezone.localTimezone) return time.toUnixTime() * 1000;
  const zone = (tzid === null ? null : ianaZoneOf(tzid)) ?? ownerZone;
  return localTimeToInstant(date, time.hour * 60 + time.minute, zone) + time.second * 1000;
}

/** A DATE-TIME read in the zone a floating time stands for, as a floating wall-clock time. */
export function wallClockIn(instant: number, tzid: string | null, ownerZone: string): ICAL.Time {
  const zone = (tzid === null ? null : ianaZoneOf(tzid)) ?? ownerZone;
  const local = new Date(instant + IANAZone.create(zone).offset(instant) * 60_000);
  return ICAL.Time.fromData({
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    isDate: false,
  });
}
