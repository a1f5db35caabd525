/** A text that is not iCalendar at all. The message never quotes the text. */
export class IcsParseError extends Error {
  override readonly name = 'IcsParseError';
}

/** A source too big to hold: more busy intervals, or more work to expand, than allowed. */
export class BusyLimitError extends Error {
  override readonly name = 'BusyLimitError';
}
