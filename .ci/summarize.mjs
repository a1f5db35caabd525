// Prints vitest's JSON report as the plain line CI reads: "N passed, N failed" (skips on the line
// before it, so the last line keeps exactly that shape).
import { readFileSync } from 'node:fs';

const file = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.log(`no test report at ${file}: ${error.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const files = report.testResults ?? [];
// A file that failed with no failing test (an import error, a failing hook) counts once; a file
// with failing tests is counted by its tests. (numFailedTestSuites counts describe blocks.)
const brokenFiles = files.filter(
  (f) => f.status === 'failed' && !f.assertionResults.some((t) => t.status === 'failed'),
).length;
const counted = report.numFailedTests + brokenFiles;
// A run that failed with nothing to count (an unhandled error, say) still failed.
const failed = report.success === false && counted === 0 ? 1 : counted;
console.log(`${report.numPendingTests + (report.numTodoTests ?? 0)} skipped`);
console.log(`${report.numPassedTests} passed, ${failed} failed`);
