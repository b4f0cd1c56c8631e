import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends every test run with one line `N passed, N failed` (CI reads that line, not vitest's own
 * summary). Tests that skip — for example those needing ../shared/fixtures when it is absent —
 * are counted on the line before. A test file that fails to load counts as a failure.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of modules) {
      let any = false;
      for (const test of mod.children.allTests()) {
        any = true;
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (!any && mod.state() === 'failed') failed++;
      else if (any && mod.errors().length > 0) failed += mod.errors().length;
    }
    failed += unhandledErrors.length;
    if (skipped > 0) process.stdout.write(`${skipped} skipped\n`);
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
  }
}
