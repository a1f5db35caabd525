import { describe, expect, it } from 'vitest';
import { escapeText, foldLine, icsFile, icsTime } from '../src/app/ics.js';

const octets = (text: string) => Buffer.byteLength(text, 'utf8');
const unfold = (text: string) => text.replace(/\r\n /g, '');

const meeting = {
  uid: '665f1c2b9d3e4a0012345678',
  start: '2030-06-24T09:00:00+02:00',
  end: '2030-06-24T09:30:00+02:00',
  summary: 'Intro call',
  description: 'Intro call with Ada Lovelace',
  stamp: Date.parse('2030-06-01T12:34:56.789Z'),
};

describe('icsFile', () => {
  it('ends every line with CRLF and has no bare line feed or carriage return', () => {
    const text = icsFile(meeting);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('writes one event with its UID, UTC times, stamp and sequence', () => {
    const lines = unfold(icsFile(meeting)).split('\r\n');
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines.filter((line) => line === 'BEGIN:VEVENT')).toHaveLength(1);
    expect(lines).toContain('UID:665f1c2b9d3e4a0012345678');
    expect(lines).toContain('DTSTART:20300624T070000Z');
    expect(lines).toContain('DTEND:20300624T073000Z');
    expect(lines).toContain('DTSTAMP:20300601T123456Z');
    expect(lines).toContain('SEQUENCE:0');
    expect(lines).toContain('SUMMARY:Intro call');
    expect(lines.at(-2)).toBe('END:VCALENDAR');
  });

  it('escapes commas, semicolons, backslashes and line breaks in text', () => {
    const text = unfold(icsFile({ ...meeting, summary: 'a,b;c\\d\ne\r\nf' }));
    expect(text).toContain('\r\nSUMMARY:a\\,b\\;c\\\\d\\ne\\nf\r\n');
    expect(escapeText('x\ry')).toBe('x\\ny');
  });

  it('folds long lines at 75 octets and unfolds to the same text', () => {
    const summary = 'Planning '.repeat(30).trim();
    const text = icsFile({ ...meeting, summary });
    for (const line of text.split('\r\n')) expect(octets(line)).toBeLessThanOrEqual(75);
    expect(unfold(text)).toContain(`\r\nSUMMARY:${summary}\r\n`);
  });

  it('never splits a multi-byte character when folding', () => {
    const summary = 'Café ☕ 会議 🗓️ '.repeat(12);
    const folded = foldLine(`SUMMARY:${summary}`);
    const pieces = folded.split('\r\n');
    expect(pieces.length).toBeGreaterThan(2);
    pieces.forEach((piece, index) => {
      expect(octets(piece)).toBeLessThanOrEqual(75);
      if (index > 0) expect(piece.startsWith(' ')).toBe(true);
      // A piece that is valid UTF-8 on its own was not cut inside a character.
      const bytes = Buffer.from(piece, 'utf8');
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).not.toThrow();
      expect(piece).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    });
    expect(unfold(folded)).toBe(`SUMMARY:${summary}`);
  });

  it('leaves a line of exactly 75 octets whole and folds one of 76', () => {
    expect(foldLine('X'.repeat(75))).toBe('X'.repeat(75));
    expect(foldLine('X'.repeat(76))).toBe(`${'X'.repeat(75)}\r\n X`);
  });

  it('writes instants in UTC whatever offset they came with', () => {
    expect(icsTime('2030-06-24T12:30:00+05:30')).toBe('20300624T070000Z');
    expect(icsTime('2030-12-31T23:45:00-03:00')).toBe('20310101T024500Z');
  });
});
