import type { PageData } from '../app/page-data.js';
import { PAGE_DATA_ID } from '../app/page-data.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);

/** JSON that cannot end the script element it sits in, whatever the owner named their calendar. */
const scriptJson = (data: unknown) =>
  JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/**
 * Puts each value in place of its mark, as it is: `String.replace` with a string would read `$&`,
 * `` $` `` and `$'` in an owner's calendar name as patterns and copy parts of the template.
 */
const fill = (template: string, values: Record<string, string>) =>
  Object.entries(values).reduce((page, [mark, value]) => page.replace(mark, () => value), template);

/**
 * Fills the built `index.html`: the title, and either the data the app starts from or, for pages
 * that need no app (not found, unavailable), their content, readable without JavaScript.
 */
export class Shell {
  constructor(private readonly template: string) {
    for (const mark of ['<!--page-title-->', '<!--page-data-->', '<div id="app"></div>']) {
      if (!template.includes(mark)) throw new Error(`the built index.html has no ${mark}`);
    }
  }

  page(title: string, data: PageData): string {
    return fill(this.template, {
      '<!--page-title-->': escapeHtml(title),
      '<!--page-data-->': `<script type="application/json" id="${PAGE_DATA_ID}">${scriptJson(data)}</script>`,
    });
  }

  /** A page of plain text: its heading and sentences. The app's script sees no data and does nothing. */
  message(title: string, sentences: string[]): string {
    const body = sentences.map((sentence) => `<p>${escapeHtml(sentence)}</p>`).join('');
    return fill(this.template, {
      '<!--page-title-->': escapeHtml(title),
      '<!--page-data-->': '',
      '<div id="app"></div>': `<main id="app" class="message"><h1>${escapeHtml(title)}</h1>${body}</main>`,
    }).replace(/<noscript>[\s\S]*?<\/noscript>/, '');
  }
}
