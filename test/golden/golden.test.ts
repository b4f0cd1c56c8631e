import { readdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The generator's own functions (plain JavaScript), so that every case runs here exactly as it
// ran when its golden file was made.
import {
  ABS,
  differences,
  extractGolden,
  GOLDEN_DIR,
  limiter,
  loadCases,
  missingFiles,
  prepareInputs,
  readGolden,
  REL,
  REPO,
  runCase,
} from '../fixtures/golden/make-golden.mjs';

/**
 * Golden outputs: every case of test/fixtures/golden/cases.json, run through the command line of
 * this tree's mdpost (`npm run build` first; MDPOST_GOLDEN_BIN may name another bin/mdpost.js),
 * must give the numbers recorded in test/fixtures/golden/<case>.json.gz — every MSD, D and its
 * error, fit window, g(r), n(r), shell and coordination-number distribution, and t⁺ — to 1e-9
 * relative. Worker threads, gzip or plain input and frame ranges merged share the golden of the
 * single-thread run. Remake the goldens only for a change meant to move numbers:
 * `node test/fixtures/golden/make-golden.mjs bin/mdpost.js`.
 */

interface Case {
  name: string;
  golden: string;
  args: string[];
  env?: Record<string, string>;
  parts?: string[];
  trace?: string[];
  needs?: string[];
}

const BIN = resolve(REPO, process.env.MDPOST_GOLDEN_BIN ?? 'bin/mdpost.js');
const spec = loadCases() as { cases: Case[] };
const slot = limiter();
let prepared: { dir: string; paths: Record<string, string> } | null = null;

beforeAll(async () => {
  prepared = await prepareInputs(spec);
}, 120_000);

afterAll(() => {
  if (prepared) rmSync(prepared.dir, { recursive: true, force: true });
});

describe('golden outputs: the tolerance', () => {
  it(`holds numbers to ${REL} relative (${ABS} absolute near zero), keys and lengths exactly`, () => {
    const golden = { msd: { Na: { msd_A2: [0, 1.5, 2.25], fit: { auto: true } } } };
    expect(differences(golden, { msd: { Na: { msd_A2: [1e-13, 1.5 * (1 + 3e-10), 2.25], fit: { auto: true } } } })).toEqual([]);
    expect(differences(golden, { msd: { Na: { msd_A2: [0, 1.5 * (1 + 3e-9), 2.25], fit: { auto: true } } } })).toEqual([
      'msd.Na.msd_A2[1]: expected 1.5, got 1.5000000045 (relative difference 3.00e-9)',
    ]);
    expect(differences(golden, { msd: { Na: { msd_A2: [0, 1.5], fit: { auto: false } } } })).toEqual([
      'msd.Na.msd_A2: expected 3 values, got 2',
      'msd.Na.fit.auto: expected true, got false',
    ]);
    expect(differences(golden, { msd: { FSI: {} } })).toEqual(['msd.Na: missing (expected an object)', 'msd.FSI: not in the golden output (got an object)']);
  });

  it('has a golden file for every case that owns one, and none left over', () => {
    const owners = new Set(spec.cases.map((c) => c.golden));
    const files = new Set(readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.json.gz')).map((f) => f.slice(0, -'.json.gz'.length)));
    expect([...owners].filter((g) => !files.has(g)), 'cases whose golden file is missing').toEqual([]);
    expect([...files].filter((f) => !owners.has(f)), 'golden files no case uses').toEqual([]);
  });
});

describe.concurrent(`golden outputs of ${BIN}`, () => {
  for (const c of spec.cases) {
    const missing = missingFiles(c);
    const title = `${c.name}${c.golden === c.name ? '' : ` (as ${c.golden})`}${missing.length ? ` — skipped: ${missing.join(', ')} absent` : ''}`;
    it.skipIf(missing.length > 0)(title, async () => {
      const { json, stderr } = await slot(() => runCase(BIN, c, prepared!.paths, prepared!.dir));
      for (const re of c.trace ?? []) {
        expect(stderr, `case ${c.name}: MDPOST_TRACE shows the work was not cut as the case means to test (/${re}/ not found)`).toMatch(new RegExp(re, 'm'));
      }
      const expected = readGolden(c.golden);
      const actual = extractGolden(json);
      const diff = differences(expected.compared, actual.compared);
      expect(diff, `case ${c.name} differs from ${c.golden}.json.gz (key[index]: expected, got)`).toEqual([]);
      // Notes and warnings are prose that may be reworded: shown when they change, not enforced.
      const infoDiff = differences(expected.info, actual.info);
      if (infoDiff.length) console.info(`[golden] case ${c.name}: notes or warnings changed:\n  ${infoDiff.join('\n  ')}`);
    }, 180_000);
  }
});
