import ICAL from 'ical.js';
import { IcsParseError } from './errors.js';

export interface ParsedText {
  vevents: ICAL.Component[];
  /** VEVENTs the parser could not read (the rest of the text still counts). */
  unreadable: number;
}

const VEVENT_BLOCK = /^BEGIN:VEVENT\r?$[\s\S]*?^END:VEVENT\r?$/gim;

/** The VEVENTs of one iCalendar text; `which` names the text in errors ("object 2 of 9"). */
export function parseText(text: string, which: string): ParsedText {
  // ICAL.parse accepts much that is not iCalendar (an HTML page may pass as lines of "name:value").
  if (!/^\uFEFF?\s*BEGIN:VCALENDAR/i.test(text)) throw new IcsParseError(`${which} is not iCalendar`);
  try {
    return { vevents: rootsOf(ICAL.parse(text)).flatMap((root) => root.getAllSubcomponents('vevent')), unreadable: 0 };
  } catch {
    // ICAL.parse gives up on the first line it cannot read, and some belong to one event only
    // (RRULE:FREQ=BOGUS): read the calendar without its events, then each event alone.
  }
  const blocks: string[] = [];
  const skeleton = text.replace(VEVENT_BLOCK, (block) => {
    blocks.push(block);
    return '';
  });
  let root: ICAL.Component | undefined;
  try {
    root = rootsOf(ICAL.parse(skeleton))[0];
  } catch {
    // ical.js's message quotes the offending line: not shown.
  }
  if (!root) throw new IcsParseError(`${which} is not valid iCalendar`);
  const vevents: ICAL.Component[] = [];
  for (const block of blocks) {
    try {
      const vevent = new ICAL.Component(ICAL.parse(block) as unknown[]);
      // Its parent resolves TZIDs from the VTIMEZONEs of the text.
      root.addSubcomponent(vevent);
      vevents.push(vevent);
    } catch {
      // counted below
    }
  }
  return { vevents, unreadable: blocks.length - vevents.length };
}

/** Several VCALENDARs in one text come as an array of them. */
function rootsOf(parsed: unknown): ICAL.Component[] {
  const roots = (Array.isArray(parsed) && Array.isArray(parsed[0]) ? parsed : [parsed]) as unknown[][];
  return roots.map((root) => new ICAL.Component(root));
}
