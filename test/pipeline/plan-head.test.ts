import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrajectoryReader } from '../../src/io/reader.js';
import { planOf } from '../support/analyze.js';
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
