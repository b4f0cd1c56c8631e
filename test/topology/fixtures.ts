import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FIXTURES } from '../support/io.js';

export const TOPOLOGY_FIXTURES = join(FIXTURES, 'topology');

/** A fixture's text (gunzipped when its name ends in .gz), by its path under test/fixtures/topology. */
export function fixtureText(rel: string): string {
  const bytes = readFileSync(join(TOPOLOGY_FIXTURES, rel));
  return (rel.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}
