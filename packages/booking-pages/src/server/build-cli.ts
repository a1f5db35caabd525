import { ensureBuilt } from './build.js';

/** `pnpm install` runs this (the root's postinstall): the pages are built before anything serves them. */
const folder = await ensureBuilt((message) => console.log(message));
console.log(`booking pages: ${folder}`);
