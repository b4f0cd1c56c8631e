import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANALYSES } from '../../src/analyses/index.js';
import { formatByName } from '../../src/io/formats.js';
import { TrajectoryReader } from '../../src/io/reader.js';
import { bufferSource } from '../../src/io/source.js';
import { frameBatches } from '../../src/parallel/batches.js';
import { planSlices } from '../../src/parallel/slices.js';
import type { RawOptions } from '../../src/pipeline/options.js';
import { makePlan } from '../../src/pipeline/plan.js';
import { documentJson, documentOf } from '../../src/report/document.js';
import { analyzeFile } from '../../src/run/analyze-file.js';
import { specOf } from '../support/analyze.js';
import { readAll, tempFile } from '../support/io.js';
import { BINARY_FIXTURES } from '../io/binary/reference.js';
import { GMX_RUN, LAMMPS_RUN } from '../support/sim.js';

/**
 * The binary formats on worker threads: XTC frames found by their magic number and header and
 * numbered by their steps, TRR frames likewise (only frames with positions start one), DCD
 * frames by arithmetic on the header — which a later slice gets, with frame 0's positions when
 * atoms are fixed, as the parser's state. Uncompressed files are cut into slices (and stolen
 * pieces), gzip streams into batches; results must not depend on the number of workers.
 */
const XTC = join(GMX_RUN, 'traj.xtc');
const TRR = join(GMX_RUN, 'traj.trr');
const DCD = join(LAMMPS_RUN, 'traj.dcd');
const FIXED = join(BINARY_FIXTURES, 'dcd-fixed.dcd');
const gz = (path: string) => tempFile(`${path.split('/').pop()}.gz`, readFileSync(path));

const CASES: [string, string, RawOptions][] = [
  ['GROMACS XTC', XTC, { msd: ['index 996:1003', 'index 0:299'], rdf: ['index 996:1003,index 0:995'], fit: '2:20' }],
  ['GROMACS TRR (frames without positions between)', TRR, { msd: ['index 996:1003'], rdf: ['index 996:1003,index 0:995'], fit: '2:20' }],
  ['DCD (MDAnalysis, cell in degrees)', DCD, { msd: ['index 72:79', 'index 80:751'], rdf: ['index 72:79,index 80:751'], fit: '5:25' }],
  ['DCD with fixed atoms (their positions from frame 0, carried to later slices)', FIXED, { rdf: ['index 0:99,index 100:255'], bins: '50' }],
];

/** Every number equal to 1e-10 relative (merging reorders sums); everything else exactly. */
function expectSame(a: unknown, b: unknown, path: string): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a !== b) expect(Math.abs(a - b), path).toBeLessThanOrEqual(1e-10 * Math.max(Math.abs(a), Math.abs(b)) + 1e-13);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    expect(b.length, path).toBe(a.length);
    a.forEach((x, i) => expectSame(x, b[i], `${path}[${i}]`));
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    expect(Object.keys(b).sort(), path).toEqual(Object.keys(a).sort());
    for (const k of Object.keys(a)) expectSame((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
  } else expect(b, path).toEqual(a);
}

describe.each(CASES)('%s', (_name, file, options) => {
  it('gives the same results with 1, 2 and 3 workers (slices and stolen pieces cut finely), plain and gzip-compressed', async () => {
    // Gzip streams in batches of about a sixth of the file.
    const batchBytes = Math.ceil(statSync(file).size / 6);
    for (const path of [file, gz(file)]) {
      const run = async (workers: number) => {
        const doc = documentJson(documentOf(await analyzeFile(specOf(path, options), { workers, minParallelBytes: 0, sliceBytes: 1, stealBytes: 1, batchBytes }), ANALYSES, 'test'));
        delete doc.warnings;
        return doc;
      };
      const one = await run(1);
      for (const w of [2, 3]) expectSame(one, await run(w), `${path}, ${w} workers`);
    }
  });

  it('cuts the file at frame starts that number their frames as the whole read does', async () => {
    const plan = await makePlan(specOf(file, options), ANALYSES);
    const all = (await readAll(file)).frames;
    const slices = (await planSlices(plan, 3, 1))!;
    expect(slices.length).toBe(3);
    for (const s of slices) {
      const reader = await TrajectoryReader.open(file, { format: plan.format, range: { ...s, firstLine: null }, parserState: plan.parserState, topologyKnown: true });
      let k = s.firstFrame;
      for await (const f of reader.frames()) {
        expect(f.index).toBe(k);
        expect(f.step).toBe(all[k].step);
        expect(f.positions.subarray(0, 3 * f.natoms)).toEqual(all[k].positions);
        k++;
      }
      expect(k).toBe(slices.indexOf(s) === 2 ? all.length : slices[slices.indexOf(s) + 1].firstFrame);
    }
  });

  it('cuts a gzip stream into batches of whole frames that know their first frame', async () => {
    const plan = await makePlan(specOf(file, options), ANALYSES);
    const all = (await readAll(file)).frames;
    let frames = 0;
    let batches = 0;
    const bytes = readFileSync(file);
    for await (const b of frameBatches(bufferSource(bytes), formatByName(plan.format).framing!, plan.framing, Math.ceil(bytes.length / 6))) {
      expect(b.firstFrame).toBe(frames);
      const reader = await TrajectoryReader.open(file, { format: plan.format, range: { start: b.start, end: b.start + b.bytes.length, firstFrame: b.firstFrame, firstLine: null, bytes: b.bytes }, parserState: plan.parserState });
      for await (const f of reader.frames()) {
        expect(f.step).toBe(all[f.index].step);
        frames++;
      }
      expect(reader.warnings).toEqual([]);
      batches++;
    }
    expect(frames).toBe(all.length);
    expect(batches).toBeGreaterThanOrEqual(Math.min(5, all.length));
  });
});
