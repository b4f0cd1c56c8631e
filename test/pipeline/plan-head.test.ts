import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TrajectoryReader } from '../../src/io/reader.js';
import { analyzeFile } from '../../src/run/analyze-file.js';
import { planOf, specOf } from '../support/analyze.js';
import { tempFile } from '../support/io.js';
import { GMX_RUN } from '../support/sim.js';

/**
 * The plan reads the first frame in full and, of the second, only its stamps: an XTC's second
 * frame is read where it begins (or, gzip-compressed, after the first) with no atoms decoded.
 * The time between frames and the spacing must be those of the first two frames read in full.
 */
const XTC = join(GMX_RUN, 'traj.xtc');
const bytes = readFileSync(XTC);

async function stampsOfFirstTwo(path: string): Promise<{ step: number | null; timePs: number | null; offset: number }[]> {
  const reader = await TrajectoryReader.open(path);
  const out: { step: number | null; timePs: number | null; offset: number }[] = [];
  for await (const f of reader.frames()) {
    out.push({ step: f.step, timePs: f.timePs, offset: reader.next.offset });
    if (out.length === 2) break;
  }
  return out;
}

describe('planning from the head of an XTC', () => {
  it.each([
    ['plain', XTC],
    ['gzip-compressed', tempFile('traj.xtc.gz', bytes)],
  ])('%s: dt and the step spacing are those of the first two frames', async (_what, file) => {
    const [a, b] = await stampsOfFirstTwo(XTC);
    const plan = await planOf(file, { msd: ['index 996:1003'] });
    expect(plan.natoms).toBe(1012);
    expect(plan.dtPs).toBe(b.timePs! - a.timePs!);
    expect(plan.spacing).toEqual({ by: 'step', first: a.step, delta: b.step! - a.step! });
  });

  it('a file of one frame, or one whose second frame is cut off, has no time between frames', async () => {
    const [first, second] = await stampsOfFirstTwo(XTC);
    for (const [name, end] of [['one.xtc', first.offset], ['cut.xtc', Math.floor((first.offset + second.offset) / 2)]] as const) {
      const plan = await planOf(tempFile(name, bytes.subarray(0, end)), { rdf: ['index 996:1003,index 0:995'] });
      expect(plan.dtPs, name).toBeNull();
      expect(plan.spacing.by, name).toBe('none');
    }
  });
});

/**
 * A LAMMPS dump's second frame is read for its header alone (its atom lines are stepped over),
 * with the units the first frame's `ITEM: UNITS` set; a frame whose atom lines are damaged still
 * gives its stamps to the plan, and the fold reports the damage.
 */
describe('planning from the head of a LAMMPS dump', () => {
  const SHIPPED = join('trajectories', 'nafsi-water', 'nafsi-water.lammpstrj.gz');
  const UNITS = join('test', 'fixtures', 'io', 'lammps', 'tri-scaled.lammpstrj');
  const plainShipped = tempFile('shipped.lammpstrj', gunzipSync(readFileSync(SHIPPED)));

  it.each([
    ['plain', plainShipped],
    ['gzip-compressed', SHIPPED],
    ['with ITEM: UNITS and ITEM: TIME', UNITS],
  ])('%s: dt and the step spacing are those of the first two frames read in full', async (_what, file) => {
    const [a, b] = await stampsOfFirstTwo(file);
    const plan = await planOf(file, { msd: ['index 0:1'] });
    expect(plan.dtPs).toBe(b.timePs === null ? null : b.timePs - a.timePs!);
    expect(plan.spacing).toEqual({ by: 'step', first: a.step, delta: b.step! - a.step! });
  });

  it('the second frame is not parsed for the plan: a damaged atom line there is the fold’s error', async () => {
    const text = readFileSync(UNITS, 'latin1').split('\n');
    const atoms = text.flatMap((l, i) => (l.startsWith('ITEM: ATOMS') ? [i] : []));
    const second = atoms[1];
    const fields = text[second + 2].split(' ');
    fields[4] = '1.2.3'; // xs
    text[second + 2] = fields.join(' ');
    const file = tempFile('damaged-second.lammpstrj', text.join('\n'));
    const [a] = await stampsOfFirstTwo(UNITS);
    const plan = await planOf(file, { msd: ['index 0:1'] });
    expect(plan.spacing.first).toBe(a.step);
    await expect(analyzeFile(specOf(file, { msd: ['index 0:1'] }), { workers: 1 })).rejects.toThrow(new RegExp(`line ${second + 3}, frame 1: .*"1\\.2\\.3"`));
  });
});
