/**
 * Debian's Chromium (`apt-get install chromium`; `pnpm system-deps` and `.ci/run` install it),
 * driven by playwright-core, which downloads no browser of its own: for the booking pages'
 * browser tests, their benchmark and the screenshots.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Nothing in the background that would reach out (this machine's network is closed) or compete for the CPU. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is not installed: run pnpm system-deps (apt-get install chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}
