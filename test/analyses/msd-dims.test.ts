import { describe, expect, it } from 'vitest';
import type { MsdSection } from '../../src/analyses/msd.js';
import { analyze, ANALYSES, documentJson, documentOf, specFromOptions } from '../../src/index.js';
import { analysisText } from '../../src/report/text.js';
import { writeWalkDump, type Walk } from '../support/ion-walks.js';

/**
 * `--msd-dims`: D in a plane or along an axis, through the whole pipeline, on walkers that move
 * along z only (a channel): D along z is theirs, D in three dimensions a third of it, D in the
 * xy plane zero; the MSD components in the JSON are the same whatever the axes of D.
 */
describe('--msd-dims on walkers that move along z only', () => {
  const walk: Walk = { species: [{ element: 'Na', count: 40, d: 0.25, massU: 22.99, axes: [2] }], frames: 1500, dtPs: 0.1, cellA: 30, seed: 3 };
  const file = writeWalkDump('channel.lammpstrj', walk);
  const run = async (msdDims?: string) => {
    const doc = documentOf(await analyze(file, { timestep: '1fs', msd: ['Na'], fit: '1:20', ...(msdDims ? { msdDims } : {}) }, { workers: 1 }), ANALYSES, 'test');
    return { m: (documentJson(doc).msd as MsdSection[])[0], text: analysisText(doc, ANALYSES) };
  };

  it('D along z is the walkers\' D; in three dimensions a third of it; in the xy plane zero', async () => {
    const [z, all, xy] = await Promise.all([run('z'), run(), run('xy')]);
    expect(z.m.dims).toBe('z');
    expect(all.m.dims).toBe('xyz');
    expect(Math.abs(z.m.D.A2_per_ps - 0.25)).toBeLessThan(3 * z.m.D.stderr_A2_per_ps);
    expect(z.m.D.A2_per_ps / all.m.D.A2_per_ps).toBeCloseTo(3, 10);
    expect(xy.m.D.A2_per_ps).toBe(0);
    // The MSD and its components are reported as they are, whichever axes D is measured along.
    for (const key of ['msd_A2', 'msd_x_A2', 'msd_y_A2', 'msd_z_A2'] as const) expect(z.m[key]).toEqual(all.m[key]);
    expect(Math.max(...z.m.msd_x_A2, ...z.m.msd_y_A2)).toBe(0);
    expect(z.m.D.method).toMatch(/along z only: D = slope \/ 2 of the MSD along z, the error √\(3\/1\) times/);
    expect(z.text).toMatch(/fit 1–20 ps, log–log slope [\d.]+, D along z only \(slope \/ 2 of the MSD along z\)/);
    expect(all.text).not.toMatch(/D along/);
    // The heading states the rule D was measured by.
    expect(z.text).toMatch(/^Mean squared displacement and diffusion coefficient \(D = slope \/ 2, along z\)$/m);
    expect(all.text).toMatch(/^Mean squared displacement and diffusion coefficient \(D = slope \/ 6\)$/m);
  });

  it('takes the axes in any order, and refuses anything but a set of x, y and z', () => {
    const spec = (msdDims: string) => specFromOptions(file, { timestep: '1fs', msd: ['Na'], msdDims }, ANALYSES).analyses.msd;
    expect(spec('zx')).toMatchObject({ dims: 'xz' });
    // All three axes are the default and leave the configuration as it was.
    expect(spec('xyz')).toEqual({ selections: ['Na'], fit: 'auto' });
    expect(() => spec('xx')).toThrow(/--msd-dims: expected xyz, xy, xz, yz, x, y or z, not "xx"/);
  });
});
