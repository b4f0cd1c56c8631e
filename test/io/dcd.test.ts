import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDcdHeader } from '../../src/io/binary/dcd.js';
import { formatNames } from '../../src/io/formats.js';
import { sniffFormat } from '../../src/io/sniff.js';
import { ParseError } from '../../src/model/errors.js';
import { analyzeOf } from '../support/analyze.js';
import { mdpost } from '../support/cli.js';
import { readAll, readError, tempFile } from '../support/io.js';
import { BINARY_FIXTURES, expectBlock, reference, Agreement as BlockAgreement } from './binary/reference.js';
import { Agreement, dimensionsOf, fileBytes, indexSelection, LAMMPS_RUN, maxAbsDiff, peerJson, type PeerTrajectory } from '../support/sim.js';

/**
 * DCD through the reader, on the LAMMPS NaFSI/water run of test/fixtures/sim (752 atoms, 101
 * frames every 0.5 ps): its custom text dump, and the same frames as DCD written by MDAnalysis
 * (CHARMM layout, cell in degrees) and by mdtraj (cell as cosines, or none), against MDAnalysis's
 * reading of each and the analyses of MDAnalysis and LAMMPS; and the binary fixtures for the
 * layouts a DCD may have (a LAMMPS `dump dcd` header, fixed atoms).
 */
const DCD = join(LAMMPS_RUN, 'traj.dcd');
const DUMP = join(LAMMPS_RUN, 'traj.lammpstrj.gz');
const bytes = readFileSync(DCD);
const header = readDcdHeader(bytes);
// Atom order (README): 8 FSI of 9 atoms (F S N O O S O O F), 8 Na⁺, then water O H H.
const NA = 'index 72:79';
const OW = indexSelection(Array.from({ length: 224 }, (_, m) => 80 + 3 * m));
const OFSI = indexSelection(Array.from({ length: 8 }, (_, m) => [3, 4, 6, 7].map((o) => 9 * m + o)).flat());
const agreement = new Agreement();
afterAll(() => agreement.report('DCD reader (largest deviations)'));

describe('the DCD reader', () => {
  it('is recognised by its first record; info tells the layout, the cell convention and the time step', () => {
    expect(sniffFormat(bytes.subarray(0, 4096))?.name).toBe('dcd');
    const r = mdpost(['info', DCD]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^format +dcd$/m);
    expect(r.stdout).toMatch(/^layout +CHARMM \(version 24\), little-endian, 4-byte record markers$/m);
    expect(r.stdout).toMatch(/^unit cell +lengths and angles in degrees$/m);
    expect(r.stdout).toMatch(/^time step +DELTA 0\.0204548 AKMA \(0\.001 ps\) × NSAVC 500 = 0\.5 ps between frames$/m);
    expect(r.stdout).toMatch(/^atoms +752$/m);
    expect(r.stdout).toMatch(/^frames +101$/m);
    expect(r.stdout).toMatch(/^dt +0\.5 ps between frames \(from file times\)$/m);
  });

  it('reads every frame as MDAnalysis does: positions and cells as float32, times from DELTA × NSAVC in AKMA units', async () => {
    const { frames } = await readAll(DCD);
    const ref = peerJson<PeerTrajectory>(join(LAMMPS_RUN, 'peers/mdanalysis-traj.dcd.json.gz'));
    expect(frames.length).toBe(ref.n_frames);
    frames.forEach((f, k) => {
      const r = ref.frames[k];
      expect(f.step).toBe(500 * k);
      // (ISTART + k·NSAVC)·DELTA·48.88821 fs: DELTA is the float32 of 1 fs in AKMA units.
      expect(f.timePs!).toBeCloseTo(r.time, 12);
      expect(dimensionsOf(f)!.map(Math.fround)).toEqual(r.dimensions!.map(Math.fround));
      // The JSON holds each float32 as its shortest decimal: equal once read back as float32.
      const worst = Math.max(...ref.subset_indices.map((a, j) => maxAbsDiff(f.positions.subarray(3 * a, 3 * a + 3), r.positions![j].map(Math.fround))));
      expect(agreement.note('positions as float32, 20 atoms × 101 frames (Å)', worst)).toBe(0);
    });
    for (const [k, full] of Object.entries(ref.full_frames)) expect(maxAbsDiff(frames[Number(k)].positions, full.positions.flat().map(Math.fround))).toBe(0);
  });

  it('gives the positions of the LAMMPS text dump of the same run, to float32', async () => {
    // The DCD holds the dump's x y z less the box's lower corner (MDAnalysis's DumpReader moves
    // the origin to 0), rounded to float32; the dump has 6 significant digits.
    const dcd = (await readAll(DCD)).frames;
    const dump = (await readAll(DUMP)).frames;
    expect(dump.length).toBe(dcd.length);
    let worst = 0;
    dcd.forEach((f, k) => {
      const d = dump[k];
      expect(d.step).toBe(f.step);
      const lo = d.box!.origin;
      for (let i = 0; i < 3 * f.natoms; i++) worst = Math.max(worst, Math.abs(f.positions[i] + lo[i % 3] - d.positions[i]));
      expect(Math.fround(d.box!.matrix[0])).toBe(Math.fround(f.box!.matrix[0]));
    });
    expect(agreement.note('positions vs the LAMMPS dump (Å)', worst)).toBeLessThan(4e-6);
  });

  it('reads the cell conventions: cosines (mdtraj), a zeroed cell and no cell record (no cell)', async () => {
    const dcd = (await readAll(DCD)).frames;
    for (const [name, cell] of [['traj-cosine.dcd', true], ['traj-zerocell.dcd', false], ['traj-nocell.dcd', false]] as const) {
      const { frames } = await readAll(join(LAMMPS_RUN, name));
      const ref = peerJson<PeerTrajectory>(join(LAMMPS_RUN, `peers/mdanalysis-${name}.json.gz`));
      expect(frames.length).toBe(11);
      frames.forEach((f, k) => {
        expect(maxAbsDiff(f.positions, dcd[10 * k].positions)).toBe(0);
        if (cell) {
          expect(dimensionsOf(f)!.map(Math.fround)).toEqual(ref.frames[k].dimensions!.map(Math.fround));
          expect(f.box!.matrix).toEqual(dcd[0].box!.matrix);
        } else {
          expect(ref.frames[k].dimensions).toBeNull();
          expect(f.box).toBeNull();
        }
      });
    }
    // --box supplies the cell a file lacks.
    const { frames } = await readAll(join(LAMMPS_RUN, 'traj-nocell.dcd'), { box: dcd[0].box });
    expect(frames[3].box!.matrix).toEqual(dcd[0].box!.matrix);
  });

  it('gives a DCD written by LAMMPS steps but no time (its DELTA is in LAMMPS units): --timestep gives it', async () => {
    const path = join(BINARY_FIXTURES, 'dcd-lammps.dcd');
    const { frames } = await readAll(path);
    expect(frames.map((f) => [f.step, f.timePs])).toEqual([[1000, null], [1500, null], [2000, null]]);
    const info = mdpost(['info', path]);
    expect(info.stdout).toMatch(/^title +Written by LAMMPS \/ REMARKS Created 1 January,2026 at 00:00$/m);
    expect(info.stdout).toMatch(/^time step +DELTA 1 in LAMMPS time units, which the file does not name .*: frames are steps 1000 \+ k × 500; give --timestep \(the MD step\) or --dt$/m);
    expect(info.stdout).toMatch(/^dt +unknown/m);
    expect(JSON.parse(mdpost(['info', path, '--json', '--timestep', '2fs']).stdout).dt_ps).toBeCloseTo(1, 12);
  });

  it('reads a file with fixed atoms: later frames hold the free atoms, the fixed keep frame 0 positions', async () => {
    const name = 'dcd-fixed.dcd';
    const { frames } = await readAll(join(BINARY_FIXTURES, name));
    const ref = reference.files[name];
    expect(frames.length).toBe(ref.frames.length);
    const blocks = new BlockAgreement();
    frames.forEach((f, k) => expectBlock(f.positions, ref.frames[k].positions!, ref.sample_atoms, 0, 1e-3, 1e-7, blocks, 'fixed-atom DCD'));
    // Fixed atoms do not move.
    const free = new Set(readDcdHeader(readFileSync(join(BINARY_FIXTURES, name))).freeAtoms);
    const fixed = Array.from({ length: 256 }, (_, i) => i).filter((i) => !free.has(i));
    expect(fixed.length).toBe(168);
    for (const i of fixed) expect(frames[2].positions.subarray(3 * i, 3 * i + 3)).toEqual(frames[0].positions.subarray(3 * i, 3 * i + 3));
  });

  it('reads gzip-compressed DCD as the same frames', async () => {
    const plain = (await readAll(DCD)).frames;
    const gz = await readAll(tempFile('traj.dcd.gz', bytes));
    expect(gz.reader.format).toBe('dcd');
    expect(gz.frames.length).toBe(101);
    gz.frames.forEach((f, k) => expect(maxAbsDiff(f.positions, plain[k].positions)).toBe(0));
  });

  it('keeps the complete frames of a file cut inside its last frame, with a warning', async () => {
    const path = tempFile('cut.dcd', bytes.subarray(0, bytes.length - 7));
    const { frames, reader } = await readAll(path);
    expect(frames.length).toBe(100);
    const last = header.headerBytes + header.firstFrameBytes + 99 * header.frameBytes;
    expect(reader.warnings).toEqual([`${path}: the last frame (frame 100, from byte ${last}) is incomplete — the file ends inside it; using the 100 complete frames`]);
  });

  it('rejects a damaged record or a file that is not a DCD, naming the file and frame', async () => {
    const b = Buffer.from(bytes);
    const frame40 = header.headerBytes + header.firstFrameBytes + 39 * header.frameBytes;
    b.writeInt32LE(12345, frame40 + 56); // the X record's leading length, after the 56-byte cell record
    const path = tempFile('damaged.dcd', b);
    const e = await readError(path);
    expect(e).toBeInstanceOf(ParseError);
    expect(e.message).toBe(`${path}, frame 40: DCD: frame 40: coordinate record X is not 3008 bytes long (752 atoms) (at byte ${frame40 + 56})`);
    expect((await readError(join(LAMMPS_RUN, 'system.data'), { format: 'dcd' })).message).toMatch(
      /system\.data, frame 0: DCD: file does not begin with an 84-byte record holding "CORD" \(not a DCD file\) \(at byte 0\)$/,
    );
    const unknown = tempFile('noise.bin', Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]));
    const r = mdpost(['info', unknown]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`mdpost: error: ${unknown}: a binary file mdpost does not recognise; it reads ${formatNames()}, plain or gzip-compressed\n`);
    expect(formatNames()).toMatch(/xtc, trr, dcd/);
  });
});

describe('analyses of the DCD', () => {
  // Fit 5–25 ps as MDAnalysis did (lags 10…50; padded so that the DCD's float32 DELTA selects the
  // same lags). The dump gives its time by --timestep 1 fs.
  const options = { msd: [NA, OW], fit: '4.99:25.01', rdf: [`${NA},${OW}`, `${NA},${OFSI}`], rmax: '8', bins: '200' };
  const fromDcd = analyzeOf(DCD, options);
  const fromDump = analyzeOf(DUMP, { ...options, timestep: '1fs' });
  const mda = peerJson(join(LAMMPS_RUN, 'peers/mdanalysis-analysis.json.gz'));

  it('MSD and D of Na⁺ and water O equal those from the text dump, and MDAnalysis EinsteinMSD on the DCD', async () => {
    // The dump is unwrapped by its image flags, the DCD frame to frame by the minimum image: the
    // same displacements, to the DCD's float32.
    const [d, t] = [await fromDcd, await fromDump];
    for (const [k, key] of [[0, 'Na'], [1, 'Ow']] as const) {
      const ref = mda.msd.dcd[key];
      expect(d.msd[k].diffusion.window).toMatchObject({ from: 10, to: 50 });
      let relDump = 0, relMda = 0;
      for (let i = 1; i < 101; i++) {
        relDump = Math.max(relDump, Math.abs(d.msd[k].curve.msdA2[i] / t.msd[k].curve.msdA2[i] - 1));
        relMda = Math.max(relMda, Math.abs(d.msd[k].curve.msdA2[i] / ref.msd_A2[i] - 1));
      }
      expect(agreement.note(`MSD ${key} vs the dump (relative)`, relDump)).toBeLessThan(1e-6);
      expect(agreement.note(`MSD ${key} vs MDAnalysis (relative)`, relMda)).toBeLessThan(1e-6);
      expect(agreement.note(`D ${key} vs the dump (relative)`, Math.abs(d.msd[k].diffusion.dA2PerPs / t.msd[k].diffusion.dA2PerPs - 1))).toBeLessThan(1e-6);
      expect(agreement.note(`D ${key} vs MDAnalysis (relative)`, Math.abs(d.msd[k].diffusion.dA2PerPs / ref.D_A2_per_ps - 1))).toBeLessThan(1e-6);
    }
  });

  it('g(r) and CN of Na–O(water) and Na–O(FSI) equal those from the text dump, and MDAnalysis InterRDF on the DCD', async () => {
    // InterRDF(nbins=200, range=(0, 8)): the same edges; a pair's distance may fall either side
    // of an edge in float32 and in double.
    const [d, t] = [await fromDcd, await fromDump];
    for (const [k, key] of [[0, 'Na-Ow'], [1, 'Na-O(FSI)']] as const) {
      const ref = mda.rdf.dcd[key];
      const g = d.rdf[k];
      expect([g.nA, g.nB, g.frames]).toEqual([ref.n_a, ref.n_b, ref.n_frames]);
      const perPair = g.frames * g.nA;
      expect(agreement.note(`${key} pair count vs the dump (pairs)`, Math.round(maxAbsDiff(g.cn, t.rdf[k].cn) * perPair))).toBeLessThanOrEqual(2);
      expect(agreement.note(`${key} pair count vs MDAnalysis (pairs)`, Math.round(maxAbsDiff(g.cn, ref.cn) * perPair))).toBeLessThanOrEqual(2);
      expect(agreement.note(`${key} g(r) vs MDAnalysis`, maxAbsDiff(g.g, ref.g))).toBeLessThan(1e-9);
      expect(g.cnFirstShell!).toBeCloseTo(t.rdf[k].cnFirstShell!, 3);
    }
  });

  it('with the LAMMPS data file as topology: FSI⁻ centres of mass diffuse as MDAnalysis finds from the dump', async () => {
    // The data file gives the elements (from the masses) and the molecules (mol ids, bonds); FSI
    // moves as the centre of mass of each molecule. MDAnalysis: the molecules' centres of mass with
    // the data file's masses on image-unwrapped dump positions, EinsteinMSD, D over 5–25 ps.
    const r = await analyzeOf(DCD, { topology: join(LAMMPS_RUN, 'system.data'), msd: ['Na', 'FSI'], fit: '4.99:25.01' });
    const [na, fsi] = r.msd;
    expect(na.count).toBe(8);
    expect(fsi.kind).toBe('molecules');
    expect(fsi.count).toBe(8);
    expect(na.diffusion.dA2PerPs).toBe((await fromDcd).msd[0].diffusion.dA2PerPs);
    const ref = mda.msd.dump.FSI_com;
    expect(agreement.note('D FSI⁻ (centres of mass) vs MDAnalysis on the dump (relative)', Math.abs(fsi.diffusion.dA2PerPs / ref.D_A2_per_ps - 1))).toBeLessThan(1e-6);
  });

  it('CN of Na–O(water) agrees with LAMMPS compute rdf over the same frames', async () => {
    // compute rdf 200 bins to 8 Å, averaged by fix ave/time over the frames at steps 500 … 50000
    // (not step 0); its coordination column is the mean number within each bin's outer edge.
    const r = await analyzeOf(DCD, { rdf: [`${NA},${OW}`], rmax: '8', bins: '200', begin: '0.5ps' });
    const g = r.rdf[0];
    expect(g.frames).toBe(100);
    const rows = fileBytes(join(LAMMPS_RUN, 'peers/lammps/rdf.txt'))
      .toString('utf8')
      .split('\n')
      .filter((l) => /^\d+ [\d.]+ /.test(l))
      .map((l) => l.trim().split(/\s+/).map(Number));
    expect(rows.length).toBe(200);
    const worst = Math.max(...rows.map((row, i) => Math.abs(g.cn[i] - row[3])));
    expect(agreement.note('Na–O CN vs LAMMPS compute rdf', worst)).toBeLessThan(0.01);
  });
});
