import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANALYSES } from '../../src/analyses/index.js';
import { readDcdHeader } from '../../src/io/binary/dcd.js';
import { formatByName } from '../../src/io/formats.js';
import { TrajectoryReader } from '../../src/io/reader.js';
import { bufferSource } from '../../src/io/source.js';
import { frameBatches } from '../../src/parallel/batches.js';
import { planSlices } from '../../src/parallel/slices.js';
import type { RawOptions } from '../../src/pipeline/options.js';
import { makePlan } from '../../src/pipeline/plan.js';
import { specOf } from '../support/analyze.js';
import { readAll, tempFile } from '../support/io.js';
import { BINARY_FIXTURES } from '../io/binary/reference.js';
import { GMX_RUN, LAMMPS_RUN } from '../support/sim.js';
import { expectSame, fine, resultJson, type Closeness } from '../support/workers.js';

/**
 * The binary formats on worker threads: XTC frames found by their magic number and header and
 * numbered by their steps, TRR frames likewise (only frames with positions start one), DCD
 * frames by arithmetic on the header — which a later slice gets, with frame 0's positions when
 * atoms are fixed, as the parser's state. Uncompressed files are cut into slices (and stolen
 * pieces), gzip streams into batches; results must not depend on the number of workers.
 */
const XTC = join(GMX_RUN, 'traj.xtc');
const NPT_XTC = join(GMX_RUN, 'npt.xtc');
const TRR = join(GMX_RUN, 'traj.trr');
const DOUBLE_TRR = join(GMX_RUN, 'traj-double.trr');
const DCD = join(LAMMPS_RUN, 'traj.dcd');
const FIXED = join(BINARY_FIXTURES, 'dcd-fixed.dcd');
const BIG_ENDIAN = join(BINARY_FIXTURES, 'dcd-be.dcd');
const gz = (path: string) => tempFile(`${path.split('/').pop()}.gz`, readFileSync(path));

/**
 * A little-endian CHARMM DCD with a unit-cell record (as MDAnalysis writes it) byte-swapped into
 * the big-endian file a big-endian machine writes: record markers, the header's 20 words, the
 * title count, the atom count, the cell's 6 doubles, the coordinates' floats; text stays.
 */
function bigEndianCopy(le: Buffer): Buffer {
  const out = Buffer.from(le);
  let p = 0;
  for (let record = 0; p < le.length; record++) {
    const n = le.readInt32LE(p);
    const payload = p + 4;
    out.writeInt32BE(n, p);
    out.writeInt32BE(n, payload + n);
    if (record === 0) {
      for (let q = payload + 4; q < payload + n; q += 4) out.writeInt32BE(le.readInt32LE(q), q);
    } else if (record === 1 || record === 2) {
      out.writeInt32BE(le.readInt32LE(payload), payload);
    } else if (n === 48) {
      for (let q = payload; q < payload + n; q += 8) out.writeDoubleBE(le.readDoubleLE(q), q);
    } else {
      for (let q = payload; q < payload + n; q += 4) out.writeFloatBE(le.readFloatLE(q), q);
    }
    p = payload + n + 4;
  }
  return out;
}
const DCD_BE = tempFile('traj-be.dcd', bigEndianCopy(readFileSync(DCD)));

const CASES: [string, string, RawOptions][] = [
  ['GROMACS XTC', XTC, { msd: ['index 996:1003', 'index 0:299'], rdf: ['index 996:1003,index 0:995'], fit: '2:20' }],
  ['GROMACS XTC whose cell changes every frame (NPT)', NPT_XTC, { msd: ['index 996:1003', 'index 0:299'], rdf: ['index 996:1003,index 0:995'], fit: '2:10' }],
  ['GROMACS TRR (frames without positions between)', TRR, { msd: ['index 996:1003'], rdf: ['index 996:1003,index 0:995'], fit: '2:20' }],
  ['GROMACS TRR in double precision (frames with forces only between)', DOUBLE_TRR, { msd: ['index 996:1003', 'index 0:995'], rdf: ['index 996:1003,index 0:995'], fit: '0.2:0.8' }],
  ['DCD (MDAnalysis, cell in degrees)', DCD, { msd: ['index 72:79', 'index 80:751'], rdf: ['index 72:79,index 80:751'], fit: '5:25' }],
  ['DCD, big-endian (the MDAnalysis file byte-swapped)', DCD_BE, { msd: ['index 72:79', 'index 80:751'], rdf: ['index 72:79,index 80:751'], fit: '5:25' }],
  ['DCD, big-endian with a triclinic cell in cosines', BIG_ENDIAN, { rdf: ['index 0:99,index 100:255'], bins: '50' }],
  ['DCD with fixed atoms (their positions from frame 0, carried to later slices)', FIXED, { rdf: ['index 0:99,index 100:255'], bins: '50' }],
];

/** Merging reorders sums: every number equal to 1e-10 relative; everything else exactly. */
const MERGED: Closeness = { rel: 1e-10, abs: 1e-13 };

describe.each(CASES)('%s', (_name, file, options) => {
  it('gives the same results with 1, 2 and 3 workers (slices and stolen pieces cut finely), plain and gzip-compressed', async () => {
    // Gzip streams in batches of about a sixth of the file.
    const batchBytes = Math.ceil(statSync(file).size / 6);
    for (const path of [file, gz(file)]) {
      const one = await resultJson(path, options, fine(1, batchBytes));
      for (const w of [2, 3]) expectSame(one, await resultJson(path, options, fine(w, batchBytes)), `${path}, ${w} workers`, MERGED);
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
    // A batch ends at the first frame start past its size: a twelfth of the file makes at least 5
    // batches even where frames differ threefold in size (TRR frames with x, v and f, or x alone).
    for await (const b of frameBatches(bufferSource(bytes), formatByName(plan.format).framing!, plan.framing, Math.ceil(bytes.length / 12))) {
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

describe('a big-endian DCD', () => {
  it('is read as big-endian and gives, on 3 workers, the frames and results of the little-endian file on 1', async () => {
    expect(readDcdHeader(readFileSync(DCD)).littleEndian).toBe(true);
    expect(readDcdHeader(readFileSync(DCD_BE)).littleEndian).toBe(false);
    expect(readDcdHeader(readFileSync(BIG_ENDIAN)).littleEndian).toBe(false);
    const le = await readAll(DCD);
    const be = await readAll(DCD_BE);
    expect(be.reader.format).toBe('dcd');
    expect(be.frames.length).toBe(101);
    be.frames.forEach((f, k) => {
      expect(f.positions).toEqual(le.frames[k].positions);
      expect(f.box!.matrix).toEqual(le.frames[k].box!.matrix);
      expect(f.timePs).toBe(le.frames[k].timePs);
    });
    const options = CASES.find(([, file]) => file === DCD)![2];
    const run = async (path: string, workers: number) => {
      const doc = await resultJson(path, options, fine(workers));
      delete (doc.input as Record<string, unknown>).file;
      delete (doc.input as Record<string, unknown>).file_bytes;
      return doc;
    };
    expectSame(await run(DCD, 1), await run(DCD_BE, 3), 'big-endian on 3 workers', MERGED);
  });
});
