import ICAL from 'ical.js';
import { IcsParseError } from './errors.js';

export interface ParsedText {
  vevents: ICAL.Component[];
  /** VEVENTs the parser could not read (the rest of the text still counts). */
  unreadable: number;
}

/** Turn-taking: `due` counts work and is cheap; when it says true, await `nextTurn()`. */
export interface Turns {
  /** Counts `units` of work (default 1: a parsed VEVENT, an iterator step); true when a turn is due. */
  due(units?: number): boolean;
  nextTurn(): Promise<void>;
}

/** The lines that cut a text: a VCALENDAR's start (a text may hold several), a VEVENT's start and end. */
const MARKS = /^(?:\uFEFF?BEGIN:VCALENDAR|(BEGIN|END):VEVENT)\r?$/gim;

/**
 * Reads the texts of one source into VEVENTs; `which` names a text in errors ("object 2 of 9").
 *
 * A text is cut into its VEVENTs and the rest (VCALENDAR, VTIMEZONEs), and each VEVENT is parsed
 * alone, with turns between them: ICAL.parse of a whole 1 MB text holds the event loop for ~50 ms,
 * and gives up on the first line it cannot read even when that line belongs to one event only
 * (RRULE:FREQ=BOGUS), which is then skipped alone. Each VEVENT gets the VCALENDAR it came from as
 * parent, from whose VTIMEZONEs ical.js resolves its TZIDs. Texts with the same rest (the objects
 * of a CalDAV collection) share one parsed rest: ical.js works out a VTIMEZONE's changes since
 * 1970 on its first use, ~2 ms, once per parsed copy.
 */
export function textReader(turns: Turns): (text: string, which: string) => Promise<ParsedText> {
  const parsedRests = new Map<string, ICAL.Component[]>();
  return async (text, which) => {
    // ICAL.parse accepts much that is not iCalendar (an HTML page may pass as lines of "name:value").
    if (!/^\uFEFF?\s*BEGIN:VCALENDAR/i.test(text)) throw new IcsParseError(`${which} is not iCalendar`);
    const { rest, blocks } = await cut(text, turns);
    let calendars = parsedRests.get(rest);
    if (!calendars) {
      try {
        calendars = rootsOf(ICAL.parse(rest)).filter((root) => root.name === 'vcalendar');
      } catch {
        // ical.js's message quotes the offending line: not shown.
      }
      if (!calendars?.length) throw new IcsParseError(`${which} is not valid iCalendar`);
      parsedRests.set(rest, calendars);
    }
    // A VEVENT whose lines the cut did not see (a folded BEGIN:VEVENT) was parsed with the rest.
    const vevents = calendars.flatMap((root) => root.getAllSubcomponents('vevent'));
    let unreadable = 0;
    for (const block of blocks) {
      const parent = calendars[Math.min(block.calendar, calendars.length - 1)];
      try {
        // Parent, not addSubcomponent: for a TZID without VTIMEZONE, ical.js would search all the
        // VEVENTs of the root on every time it reads (it caches only the zones it finds).
        const found = rootsOf(ICAL.parse(block.text), parent).filter((root) => root.name === 'vevent');
        // Two when a folded END:VEVENT hid an event's end from the cut (the parser unfolds it).
        if (found.length === 0) unreadable++;
        vevents.push(...found);
      } catch {
        unreadable++;
      }
      if (turns.due()) await turns.nextTurn();
    }
    return { vevents, unreadable };
  };
}

interface Block {
  text: string;
  /** Which VCALENDAR of the text it is in (0 for the first). */
  calendar: number;
}

/**
 * A text's VEVENTs, each from its BEGIN:VEVENT line to its END:VEVENT line (nested VALARMs
 * included), and the rest of the text without them. Lines inside a VEVENT are not marks: a
 * VEVENT without END:VEVENT runs to the next END:VEVENT, and one never ended stays in the rest.
 */
async function cut(text: string, turns: Turns): Promise<{ rest: string; blocks: Block[] }> {
  const blocks: Block[] = [];
  let rest = '';
  let calendar = -1;
  let restFrom = 0;
  let eventFrom = -1;
  for (const mark of text.matchAll(MARKS)) {
    if (mark[1] === undefined) {
      if (eventFrom < 0) calendar++;
    } else if (mark[1].toUpperCase() === 'BEGIN') {
      if (eventFrom < 0) eventFrom = mark.index;
    } else if (eventFrom >= 0) {
      const end = mark.index + mark[0].length;
      rest += text.slice(restFrom, eventFrom);
      blocks.push({ text: text.slice(eventFrom, end), calendar: Math.max(0, calendar) });
      restFrom = end;
      eventFrom = -1;
    }
    if (turns.due()) await turns.nextTurn();
  }
  return { rest: rest + text.slice(restFrom), blocks };
}

/** Several VCALENDARs in one text come as an array of them. */
function rootsOf(parsed: unknown, parent?: ICAL.Component): ICAL.Component[] {
  const roots = (Array.isArray(parsed) && Array.isArray(parsed[0]) ? parsed : [parsed]) as unknown[][];
  return roots.map((root) => new ICAL.Component(root, parent));
}
