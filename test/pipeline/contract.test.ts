import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ANALYSES } from '../../src/analyses/index.js';
import { TrajectoryReader } from '../../src/io/reader.js';
import { serialParallel, type Analysis } from '../../src/pipeline/contract.js';
import { finish } from '../../src/pipeline/finish.js';
import { Folder, type FoldState } from '../../src/pipeline/fold.js';
import { mergeFolds } from '../../src/pipeline/merge.js';
import { makePlan, readerOptions, type Plan } from '../../src/pipeline/plan.js';
import { decodeSavedFold, encodeSavedFold, foldFromWire, foldToWire } from '../../src/pipeline/state-codec.js';
import { documentJson, documentOf } from '../../src/report/document.js';
import { specOf } from '../support/analyze.js';
import { tempFile } from '../support/io.js';
import { NAFSI_DUMP } from '../support/nafsi.js';
import { uniform } from '../support/random.js';
import { expectSame, fine, resultJson, type Closeness } from '../support/workers.js';

/**
 * What every registered analysis must do, checked on its own example options over the first
 * 121 frames of the shipped trajectory: folding all frames equals merging the folds of parts cut
 * anywhere (two parts; three parts grouped either way), merging leaves its inputs unchanged, a
 * state survives encoding and decoding, and 1, 2 and 3 workers agree. A new analysis gets these
 * checks by being registered.
 */
const FRAMES = 121;
const plain = tempFile('contract.lammpstrj', execFileSync('gunzip', ['-c', NAFSI_DUMP], { maxBuffer: 1 << 30 }));

/** Fold frames [from, to) of the file (the whole range when not given). */
async function foldRange(plan: Plan, from = 0, to = FRAMES): Promise<FoldState> {
  const part: Plan = { ...plan, rangeFirst: from, rangeEnd: to };
  const folder = new Folder(part, ANALYSES);
  const reader = await TrajectoryReader.open(plan.spec.file, readerOptions(plan.spec.read));
  for await (const frame of reader.frames()) {
    if (frame.index >= to) break;
    folder.add(frame);
  }
  return folder.state();
}

/** The results document of a state (every number the reports would show). */
async function documentOfState(plan: Plan, state: FoldState): Promise<Record<string, unknown>> {
  const doc = documentJson(documentOf(await finish(plan, ANALYSES, state, serialParallel(ANALYSES)), ANALYSES, 'test'));
  delete doc.warnings;
  return doc;
}

/** Merging reorders sums: every number equal to 1e-10 relative (NaN to NaN); everything else exactly. */
const MERGED: Closeness = { rel: 1e-10, abs: 1e-13, nanEqual: true };

/** A copy of a state's encoded form, to see whether a merge changed its inputs. */
function snapshot(state: FoldState): unknown {
  return structuredClone(foldToWire(ANALYSES, state));
}

describe.each(ANALYSES.all.map((a) => [a.key, a] as [string, Analysis]))('the %s analysis keeps the contract', (_key, analysis) => {
  const options = { ...analysis.example, end: `${(FRAMES - 1) * 0.5}ps` };
  const planned = makePlan(specOf(plain, options), ANALYSES);

  it('is asked for by its example options', async () => {
    expect((await planned).analyses.map((a) => a.key)).toContain(analysis.key);
  });

  it('folding all frames equals merging the folds of two parts cut at random frames, and the merge leaves its inputs as they were', async () => {
    const plan = await planned;
    const whole = await documentOfState(plan, await foldRange(plan));
    const u = uniform(17);
    for (let trial = 0; trial < 3; trial++) {
      const cut = 5 + Math.floor(u() * (FRAMES - 10));
      const [a, b] = [await foldRange(plan, 0, cut), await foldRange(plan, cut)];
      const before = [snapshot(a), snapshot(b)];
      const merged = mergeFolds(plan, ANALYSES, a, b);
      expectSame(whole, await documentOfState(plan, merged), `cut at ${cut}`, MERGED);
      expect(snapshot(a), `cut at ${cut}: the first part`).toEqual(before[0]);
      expect(snapshot(b), `cut at ${cut}: the second part`).toEqual(before[1]);
    }
  });

  it('three parts merge to the same state grouped either way: (A + B) + C = A + (B + C)', async () => {
    const plan = await planned;
    const whole = await documentOfState(plan, await foldRange(plan));
    const u = uniform(23);
    const c1 = 3 + Math.floor(u() * 50), c2 = c1 + 3 + Math.floor(u() * 50);
    const [a, b, c] = [await foldRange(plan, 0, c1), await foldRange(plan, c1, c2), await foldRange(plan, c2)];
    expectSame(whole, await documentOfState(plan, mergeFolds(plan, ANALYSES, mergeFolds(plan, ANALYSES, a, b), c)), `(A + B) + C, cuts ${c1}, ${c2}`, MERGED);
    expectSame(whole, await documentOfState(plan, mergeFolds(plan, ANALYSES, a, mergeFolds(plan, ANALYSES, b, c))), `A + (B + C), cuts ${c1}, ${c2}`, MERGED);
  });

  it('a state survives encoding to plain data (worker threads, .mdstate files) and decoding', async () => {
    const plan = await planned;
    const state = await foldRange(plan);
    const wire = structuredClone(foldToWire(ANALYSES, state));
    expectSame(await documentOfState(plan, state), await documentOfState(plan, foldFromWire(plan, ANALYSES, wire)), 'decoded', MERGED);
  });

  it('gives the same results with 1, 2 and 3 workers (slices and stolen pieces cut finely)', async () => {
    const one = await resultJson(plain, options, fine(1));
    for (const w of [2, 3]) expectSame(one, await resultJson(plain, options, fine(w)), `${w} workers`, MERGED);
  });
});

describe('a damaged analysis state in an .mdstate part', () => {
  it('is an error naming the part’s file and what is wrong in the state', async () => {
    const solvation = ANALYSES.get('solvation')!;
    const plan = await makePlan(specOf(plain, { ...solvation.example, end: '10ps' }), ANALYSES);
    const bytes = encodeSavedFold(ANALYSES, { plan, state: await foldRange(plan, 0, 21), warnings: [] });
    const text = bytes.toString('latin1');
    const at = text.indexOf('"analysis":"solvation","version":1');
    expect(at).toBeGreaterThan(0);
    // The same length, so the header's byte count still holds: only the state's version is wrong.
    const damaged = Buffer.from(text.slice(0, at) + text.slice(at).replace('"version":1', '"version":9'), 'latin1');
    expect(decodeSavedFold(ANALYSES, bytes, 'part-3.mdstate').plan.analyses.map((a) => a.key)).toContain('solvation');
    expect(() => decodeSavedFold(ANALYSES, damaged, 'part-3.mdstate')).toThrow(/^part-3\.mdstate: solvation state: not a solvation state of this mdpost$/);
  });
});
