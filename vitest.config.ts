import { defineConfig } from 'vitest/config';

const project = (root: string, name: string, tz: string, include = ['test/**/*.test.ts'], exclude: string[] = []) => ({
  test: {
    name: `${name} (${tz})`,
    root,
    include,
    exclude: ['**/node_modules/**', ...exclude],
    // Local-time bugs hide under UTC: every suite runs in a zone with a half-hour offset.
    env: { TZ: tz },
    testTimeout: 20_000,
    hookTimeout: 120_000,
  },
});

const packages = [
  'contracts',
  'auth',
  'time',
  'availability',
  'messaging',
  'http-kit',
  'testing',
  'booking-pages',
  'secret-box',
  'outbound-http',
  'icalendar',
  'caldav',
];
const services = ['user', 'schedule', 'calendar', 'booking', 'notification', 'sync', 'webhook'];

export default defineConfig({
  test: {
    // The booking pages built once, before any gateway starts.
    globalSetup: ['packages/booking-pages/test/global-setup.ts'],
    projects: [
      ...packages.map((name) => project(`packages/${name}`, name, 'Asia/Kolkata')),
      ...services.map((name) => project(`services/${name}`, name, 'Asia/Kolkata')),
      project('gateway', 'gateway', 'Asia/Kolkata'),
      project('packages/embedded', 'embedded', 'Asia/Kolkata', undefined, ['test/browser/**']),
      // The booking pages in headless Chromium (Debian's), against the embedded system.
      project('packages/embedded', 'browser', 'Asia/Kolkata', ['test/browser/**/*.test.ts']),
      // The scripts' own checks (host probes, the API client's types), and the end-to-end tests.
      project('scripts', 'scripts', 'Asia/Kolkata', ['{bench,demo,openapi,stack}/**/*.test.ts']),
      project('scripts/e2e', 'e2e', 'Asia/Kolkata', ['*.test.ts']),
      // The pure date maths runs again under UTC, so both zones are covered.
      project('packages/time', 'time', 'UTC'),
      project('packages/availability', 'availability', 'UTC'),
    ],
  },
});
