import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../src/server/build.js';

/** The issue's budget for the pages' own script and style, compressed (gzip). */
const BUDGET_BYTES = 50 * 1024;

/** An address on another host: with a scheme, or scheme-relative. */
const OTHER_HOST = /^(?:[a-z][a-z0-9+.-]*:)?\/\//i;

let folder: string;
let html: string;
/** The built scripts and styles, by name. */
const assets = new Map<string, string>();

beforeAll(async () => {
  folder = await ensureBuilt();
  html = await readFile(join(folder, 'index.html'), 'utf8');
  for (const name of await readdir(join(folder, 'assets'))) {
    if (/\.(?:js|css)$/.test(name)) assets.set(name, await readFile(join(folder, 'assets', name), 'utf8'));
  }
}, 60_000);

/** What the HTML makes the browser load: src and href attributes. */
const loadedByHtml = (page: string) => [...page.matchAll(/\s(?:src|href)\s*=\s*["']?([^"'\s>]+)/gi)].map((m) => m[1]!);

/**
 * What a script makes the browser load: the specifiers of its static and dynamic imports and of
 * `new URL(…, import.meta.url)`. Other strings (an SVG namespace in Preact) are never fetched.
 */
const loadedByScript = (code: string) => [
  ...[...code.matchAll(/\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?["'`]([^"'`]+)["'`]/g)].map((m) => m[1]!),
  ...[...code.matchAll(/\bimport\s*\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]!),
  ...[...code.matchAll(/\bnew\s+URL\s*\(\s*["'`]([^"'`]+)["'`]\s*,\s*import\.meta\.url/g)].map((m) => m[1]!),
];

/** What a style sheet makes the browser load: `url(…)` and `@import`. */
const loadedByStyle = (css: string) => [
  ...[...css.matchAll(/url\(\s*["']?([^"')\s]+)["']?\s*\)/gi)].map((m) => m[1]!),
  ...[...css.matchAll(/@import\s+["']([^"']+)["']/gi)].map((m) => m[1]!),
];

describe('the size of the booking pages', () => {
  it('their own script and style, gzip-compressed, are under 50 KB in all', () => {
    expect([...assets.keys()].some((name) => name.endsWith('.js'))).toBe(true);
    const compressed = [...assets.values()].reduce((sum, text) => sum + gzipSync(text, { level: 9 }).length, 0);

    expect(compressed).toBeLessThan(BUDGET_BYTES);
  });

  it('the HTML loads only the built assets (or data: URLs), nothing inline but the page data', () => {
    // A `data:` URL (an empty icon, so the browser asks for no /favicon.ico) is fetched from no host.
    const loaded = loadedByHtml(html).filter((reference) => !reference.startsWith('data:'));
    expect(loaded.length).toBeGreaterThan(0);
    for (const path of loaded) expect(path).toMatch(/^\/assets\/[\w.-]+$/);
    for (const path of loaded) expect(assets.has(path.slice('/assets/'.length)), path).toBe(true);
    // No inline script or style: the content security policy would refuse them.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)(?![^>]*type="application\/json")[^>]*>/);
    expect(html).not.toMatch(/<style\b|\sstyle\s*=/i);
  });
});

describe('the hosts the booking pages load from', () => {
  it('the HTML references no other host', () => {
    for (const path of loadedByHtml(html)) expect(path).not.toMatch(OTHER_HOST);
  });

  it('the scripts import only files of this build, from this host', () => {
    for (const [name, code] of assets) {
      if (!name.endsWith('.js')) continue;
      for (const specifier of loadedByScript(code)) {
        expect(specifier, name).not.toMatch(OTHER_HOST);
        const file = specifier.replace(/^(?:\.\/|\/assets\/)/, '');
        expect(assets.has(file) || /\.(?:svg|png|webp|ico)$/.test(file), `${name} imports ${specifier}`).toBe(true);
      }
    }
  });

  it('the style sheets load nothing from another host', () => {
    for (const [name, css] of assets) {
      if (!name.endsWith('.css')) continue;
      for (const reference of loadedByStyle(css)) {
        expect(reference, name).not.toMatch(OTHER_HOST);
        expect(reference.startsWith('data:'), `${name} inlines ${reference.slice(0, 40)}`).toBe(false);
      }
    }
  });
});
