// Prints vitest's JSON report as the plain line CI reads: "N passed, N failed, N skipped".
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
const counted = report.numFailedTests + (report.numFailedTestSuites ?? 0) - countFailedSuitesWithFailedTests(report);
// A run that failed without a failing test (an unhandled error, say) still failed.
const failed = report.success === false && counted === 0 ? 1 : counted;
console.log(
  `${report.numPassedTests} passed, ${failed} failed, ${report.numPendingTests + (report.numTodoTests ?? 0)} skipped`,
);

/** A suite that failed because a test failed is counted once, by its test. */
function countFailedSuitesWithFailedTests({ testResults = [] }) {
  return testResults.filter(
    (suite) => suite.status === 'failed' && suite.assertionResults.some((t) => t.status === 'failed'),
  ).length;
}
