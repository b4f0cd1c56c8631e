import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Once per test run: the shared reference trajectories (../shared/fixtures) are used when they
 * are beside the project — tests on them skip, said here once, when they are not — and CI, which
 * has them, sets MDPOST_REQUIRE_SHARED so that their absence fails the run instead.
 */
export default function setup(): void {
  const shared = resolve(import.meta.dirname, '../../../shared/fixtures');
  if (existsSync(shared)) return;
  if (process.env.MDPOST_REQUIRE_SHARED) throw new Error(`${shared} is absent, and MDPOST_REQUIRE_SHARED is set: the tests on the shared reference trajectories must run`);
  console.warn(`[mdpost tests] ${shared} is absent: the tests on the shared reference trajectories are skipped`);
}
