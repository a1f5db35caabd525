import { defineConfig } from 'vite';

/**
 * The booking pages: one small bundle (Preact) for `/book/…` and `/booking/…`. Asset names carry
 * their content hash, so the gateway may let browsers keep them for a year.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    assetsDir: 'assets',
    target: 'es2022',
    // No inline `data:` assets: the pages load their own files only (the policy allows `data:`
    // images for the empty favicon alone, which saves the browser a request).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
