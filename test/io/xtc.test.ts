import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { xdrCursor } from '../../src/io/binary/xdr.js';
import { xtcFrameBytes } from '../../src/io/binary/xtc.js';
import { sniffFormat } from '../../src/io/sniff.js';
import { ParseError } from '../../src/model/errors.js';
import { analyzeOf } from '../support/analyze.js';
import { mdpost } from '../support/cli.js';
import { readAll, readError, tempFile } from '../support/io.js';
import { prng } from './binary/reference.js';
import { Agreement, atomsNamed, dimensionsOf, GMX_RUN, indexSelection, maxAbsDiff, peerJson, readGro, readXvg, type PeerTrajectory } from '../support/sim.js';

/**
 * GROMACS XTC through the reader, on the GROMACS NaCl/SPC/E run of test/fixtures/sim (1012
 * atoms, 201 frames every 0.2 ps, precision 1000): against MDAnalysis's reading of the same file,
 * the GRO frames `gmx trjconv` wrote from it, and `gmx msd` / `gmx rdf` on it.
 */
const XTC = join(GMX_RUN, 'traj.xtc');
const NPT = join(GMX_RUN, 'npt.xtc');
const bytes = readFileSync(XTC);
const gro = readGro(join(GMX_RUN, 'traj.gro.gz'));
// Atoms 996–1003 are Na⁺, the water oxygens every third atom from 0 (the GRO's names say so).
const NA = indexSelection(atomsNamed(gro[0].names, (n) => n === 'NA'));
const OW = indexSelection(atomsNamed(gro[0].names, (n) => n === 'OW'));
const agreement = new Agreement();
afterAll(() => agreement.report('XTC reader (largest deviations)'));

/** Stream offsets of every frame, from the codec's frame lengths. */
function frameStarts(b: Buffer): number[] {
  const c = xdrCursor(b);
  const starts: number[] = [];
  while (c.pos < c.end) {
    starts.push(c.pos);
    c.pos += xtcFrameBytes(c);
  }
  return starts;
}
const starts = frameStarts(bytes);

describe('the XTC reader', () => {
  it('is recognised by its magic number, and names, atom count and precision show in info', () => {
    expect(sniffFormat(bytes.subarray(0, 4096))?.name).toBe('xtc');
    const r = mdpost(['info', XTC]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^format +xtc$/m);
    expect(r.stdout).toMatch(/^precision +1000 \/nm \(positions to 0\.01 Å\)$/m);
    expect(r.stdout).toMatch(/^atoms +1012$/m);
    expect(r.stdout).toMatch(/^frames +201$/m);
    expect(r.stdout).toMatch(/^steps +0 … 20000 \(every 100\)$/m);
    expect(r.stdout).toMatch(/^dt +0\.2 ps between frames \(from file times\)$/m);
    expect(r.stdout).toMatch(/\(orthorhombic, first frame\)$/m);
  });

  it('reads every frame as MDAnalysis does: steps, times, cells exactly, positions to float32', async () => {
    const { frames, reader } = await readAll(XTC);
    const ref = peerJson<PeerTrajectory>(join(GMX_RUN, 'peers/mdanalysis-traj.xtc.json.gz'));
    expect(frames.length).toBe(ref.n_frames);
    expect(reader.topology!.natoms).toBe(1012);
    expect(reader.topology!.elements).toBeNull();
    frames.forEach((f, k) => {
      const r = ref.frames[k];
      expect(f.index).toBe(k);
      expect(f.step).toBe(r.step);
      // Times are float32 in the file (0.2 → 0.20000000298): both read the same value.
      expect(f.timePs).toBe(r.time);
      // nm × 10 of a float32 is exact in double; MDAnalysis rounds it to float32.
      expect(dimensionsOf(f)!.map(Math.fround)).toEqual(r.dimensions!.map(Math.fround));
      expect(f.box!.origin).toEqual(new Float64Array(3));
      // Ours is integer / precision exactly; MDAnalysis's is float32 arithmetic (a few ulps at 20 Å).
      const worst = Math.max(...ref.subset_indices.map((a, j) => maxAbsDiff(f.positions.subarray(3 * a, 3 * a + 3), r.positions![j])));
      expect(agreement.note('positions, 20 atoms × 201 frames (Å)', worst)).toBeLessThan(1e-5);
    });
    for (const [k, full] of Object.entries(ref.full_frames)) {
      expect(agreement.note('positions, all atoms of frames 0, 100, 200 (Å)', maxAbsDiff(frames[Number(k)].positions, full.positions.flat()))).toBeLessThan(1e-5);
    }
  });

  it('follows a cell that changes every frame (NPT) as MDAnalysis reads it', async () => {
    const { frames } = await readAll(NPT);
    const ref = peerJson<PeerTrajectory>(join(GMX_RUN, 'peers/mdanalysis-npt.xtc.json.gz'));
    expect(frames.length).toBe(101);
    frames.forEach((f, k) => expect(dimensionsOf(f)!.map(Math.fround)).toEqual(ref.frames[k].dimensions!.map(Math.fround)));
    expect(frames[100].box!.matrix[0]).not.toBe(frames[0].box!.matrix[0]);
  });

  it('gives the positions of the GRO frames gmx trjconv wrote from the same file, to their last digit', async () => {
    const { frames } = await readAll(XTC);
    expect(gro.length).toBe(11);
    gro.forEach((g, j) => {
      const f = frames[20 * j];
      // The GRO title holds the frame's time and step: frames 0, 20, …, 200.
      expect(g.title).toMatch(new RegExp(`t= +${(4 * j).toFixed(5)} step= ${2000 * j}$`));
      expect(f.step).toBe(2000 * j);
      // Both hold integer / 1000 nm: equal up to the rounding of the decimal in Å (1e-14).
      expect(agreement.note('positions vs the GRO frames (Å)', maxAbsDiff(f.positions, g.positionsNm.map((x) => 10 * x)))).toBeLessThan(1e-12);
    });
  });

  it('reads gzip-compressed XTC as the same frames', async () => {
    const plain = await readAll(XTC);
    const gz = await readAll(tempFile('traj.xtc.gz', bytes));
    expect(gz.reader.format).toBe('xtc');
    expect(gz.frames.length).toBe(201);
    gz.frames.forEach((f, k) => {
      expect(maxAbsDiff(f.positions, plain.frames[k].positions)).toBe(0);
      expect(f.timePs).toBe(plain.frames[k].timePs);
    });
  });

  it('keeps the complete frames of a file cut inside its last frame, with a warning', async () => {
    for (const cut of [bytes.length - 1000, starts[200] + 20]) {
      const path = tempFile(`cut-${cut}.xtc`, bytes.subarray(0, cut));
      const { frames, reader } = await readAll(path);
      expect(frames.length).toBe(200);
      expect(frames[199].positions).toEqual((await readAll(XTC)).frames[199].positions);
      expect(reader.warnings).toEqual([
        `${path}: the last frame (frame 200, from byte ${starts[200]}) is incomplete — the file ends inside it; using the 200 complete frames`,
      ]);
    }
  });

  it('rejects a wrong magic number, naming the file and frame', async () => {
    const b = Buffer.from(bytes);
    b.writeInt32BE(1996, starts[7]);
    const path = tempFile('magic.xtc', b);
    const e = await readError(path);
    expect(e).toBeInstanceOf(ParseError);
    expect(e.message).toBe(`${path}, frame 7: XTC: expected the frame magic number 1995 (or 2023), found 1996 (at byte ${starts[7]})`);
    // A TRR read as XTC fails at its first frame.
    const trr = join(GMX_RUN, 'traj.trr');
    expect((await readError(trr, { format: 'xtc' })).message).toMatch(/traj\.trr, frame 0: XTC: expected the frame magic number 1995 \(or 2023\), found 1993 \(at byte 0\)$/);
  });

  it('ends with exit 2 naming the file and frame on a corrupt compressed block, promptly', () => {
    // Frame 50's block replaced by random bytes: the bit stream decodes to coordinates outside the
    // frame's range (or overruns its block), which the decoder checks at every atom.
    const b = Buffer.from(bytes);
    const u = prng(3);
    for (let p = starts[50] + 92; p < starts[51]; p++) b[p] = Math.floor(u() * 256);
    const path = tempFile('corrupt.xtc', b);
    const t0 = performance.now();
    const r = mdpost(['analyze', path, '--msd', NA, '--workers', '1'], { timeoutMs: 30_000 });
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(new RegExp(`^mdpost: error: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, frame 50: XTC: .* \\(at byte \\d+\\)$`));
  });

  it('decodes every damaged copy of a frame to an error naming it, or to frames, never hanging', async () => {
    const u = prng(11);
    for (let t = 0; t < 24; t++) {
      const b = Buffer.from(bytes.subarray(0, starts[12]));
      const k = 1 + Math.floor(u() * 10);
      const from = starts[k] + 56 + Math.floor(u() * (starts[k + 1] - starts[k] - 56));
      for (let p = from; p < Math.min(starts[k + 1], from + 1 + Math.floor(u() * 64)); p++) b[p] = Math.floor(u() * 256);
      try {
        const { frames } = await readAll(tempFile(`damaged-${t}.xtc`, b));
        expect(frames.length).toBeGreaterThanOrEqual(k);
      } catch (e) {
        expect(e).toBeInstanceOf(ParseError);
        expect((e as ParseError).frame).toBeGreaterThanOrEqual(k);
      }
    }
  });
});

describe('analyses of the XTC', () => {
  // Fit 2–20 ps as gmx msd -beginfit 2000 -endfit 20000 and MDAnalysis did (lags 10…100 of
  // 0.20000000298 ps; the window's ends padded so that float32 times select the same lags).
  const run = analyzeOf(XTC, { msd: [NA, OW], fit: '1.99:20.01', rdf: [`${NA},${OW}`], rmax: '10', bins: '500' });
  const mda = peerJson(join(GMX_RUN, 'peers/mdanalysis-analysis.json.gz'));

  it('MSD and D of Na⁺ and water O equal MDAnalysis EinsteinMSD on the same file', async () => {
    const r = await run;
    // MDAnalysis: EinsteinMSD(fft=False), all origins, positions unwrapped frame to frame by the
    // minimum image (as mdpost does), D = slope/6 of a least-squares line over lags 2–20 ps.
    for (const [k, key] of [[0, 'NA'], [1, 'OW']] as const) {
      const m = r.msd[k];
      const ref = mda.msd[key];
      expect(m.count).toBe(ref.n_particles);
      expect(m.diffusion.window).toMatchObject({ from: 10, to: 100 });
      let rel = 0;
      for (let i = 1; i < ref.msd_A2.length; i++) rel = Math.max(rel, Math.abs(m.curve.msdA2[i] / ref.msd_A2[i] - 1));
      expect(agreement.note(`MSD ${key} vs MDAnalysis (relative)`, rel)).toBeLessThan(2e-6);
      expect(agreement.note(`D ${key} vs MDAnalysis (relative)`, Math.abs(m.diffusion.dA2PerPs / ref.D_A2_per_ps - 1))).toBeLessThan(2e-6);
    }
  });

  it('MSD and D of Na⁺ and water O agree with gmx msd', async () => {
    const r = await run;
    // gmx msd (2022) on a copy relabelled 0, 200, 400 … (it needs whole-ps frame times): its tau
    // column is fs for our ps × 1000, its MSD nm² (× 100 → Å²), printed to 6 digits, every frame an
    // origin, no centre-of-mass correction. Its D, in the legend in 1e-5 cm²/s, is then 1000× too
    // small; rescaled, it has 4 digits. (1e-5 cm²/s = 0.1 Å²/ps.)
    for (const [k, name] of [[0, 'na'], [1, 'ow']] as const) {
      const { rows, legends } = readXvg(join(GMX_RUN, `peers/gmx-msd-${name}.xvg.gz`));
      const m = r.msd[k];
      expect(rows.length).toBe(201);
      let rel = 0;
      rows.forEach(([tauFs, msdNm2], i) => {
        expect(tauFs).toBe(200 * i);
        if (i > 0) rel = Math.max(rel, Math.abs(m.curve.msdA2[i] / (100 * msdNm2) - 1));
      });
      expect(agreement.note(`MSD ${name} vs gmx msd (relative)`, rel)).toBeLessThan(2e-5);
      const dGmx = 1000 * Number(/= ([\d.]+) /.exec(legends[0])![1]); // 1e-5 cm²/s
      expect(agreement.note(`D ${name} vs gmx msd (1e-5 cm²/s)`, Math.abs(m.diffusion.dA2PerPs * 10 - dGmx))).toBeLessThan(6e-4);
    }
  });

  it('g(r) and CN of Na–O(water) equal MDAnalysis InterRDF on the same bins', async () => {
    const r = await run;
    // InterRDF(nbins=500, range=(0, 10)): edges at multiples of 0.02 Å as ours, g = count /
    // (frames · N_a · N_b / ⟨V⟩ · shell), cn = cumulative count / (frames · N_a). The distances of
    // a pair may fall either side of a bin edge in float32 and in double: up to a few pairs differ.
    const g = r.rdf[0];
    const ref = mda.rdf['NA-OW'];
    expect([g.nA, g.nB, g.frames]).toEqual([ref.n_a, ref.n_b, ref.n_frames]);
    expect(Math.abs(g.meanVolumeA3 / ref.mean_volume_A3 - 1)).toBeLessThan(1e-6);
    const perPair = g.frames * g.nA;
    expect(agreement.note('Na–O cumulative pair count vs MDAnalysis (pairs)', maxAbsDiff(g.cn, ref.cn) * perPair)).toBeLessThanOrEqual(2);
    for (let i = 0; i < g.bins; i++) {
      const pairWorth = ref.g[i] / Math.max(1, ref.count[i]); // g of one pair in this bin
      expect(Math.abs(g.g[i] - ref.g[i]), `bin ${i}`).toBeLessThanOrEqual(2 * (pairWorth || 1) + 1e-6 * ref.g[i]);
    }
    agreement.note('Na–O g(r) vs MDAnalysis', maxAbsDiff(g.g, ref.g));
    expect(g.rA[Array.from(g.g).indexOf(Math.max(...g.g))]).toBeCloseTo(ref.first_peak.r_A, 9);
  });

  it('g(r) and CN of Na–O(water) agree with gmx rdf', async () => {
    // gmx rdf -bin 0.002 -rmax 1.0 (nm): row i is the bin centred on r = i·0.02 Å, [(i − ½)w,
    // (i + ½)w] (the first [0, w/2]), built from half bins of w/2; g is normalised by N_ref, by that
    // bin's shell volume 4/3π(r₊³ − r₋³) and by ⟨N_sel/V⟩; printed to 3 decimals. Ours in half bins
    // (0.01 Å, edges at multiples of 0.01 Å) regrouped the same way must give its g; its -cn row i,
    // the mean number within (i + 1)·0.02 Å, is our running CN at that edge.
    const r = await analyzeOf(XTC, { rdf: [`${NA},${OW}`], rmax: '10', bins: '1000' });
    const g = r.rdf[0];
    const perPair = g.frames * g.nA;
    const count = (j: number) => Math.round((g.cn[j] - (j > 0 ? g.cn[j - 1] : 0)) * perPair);
    const density = (g.nA * g.nB * g.frames) / g.meanVolumeA3;
    const gmx = readXvg(join(GMX_RUN, 'peers/gmx-rdf-na-ow.xvg.gz')).rows;
    const gmxCn = readXvg(join(GMX_RUN, 'peers/gmx-rdf-cn-na-ow.xvg.gz')).rows;
    expect(gmx.length).toBe(500);
    let worstPairs = 0;
    for (let i = 0; i < 500; i++) {
      const [rNm, gGmx] = gmx[i];
      expect(rNm).toBeCloseTo(i * 0.002, 9);
      const lo = Math.max(0, (i - 0.5) * 0.02), hi = (i + 0.5) * 0.02;
      const shell = (4 / 3) * Math.PI * (hi ** 3 - lo ** 3);
      const pairs = (i > 0 ? count(2 * i - 1) : 0) + count(2 * i);
      const ours = pairs / (density * shell);
      // Within gmx's rounding and two pairs either side of an edge.
      worstPairs = Math.max(worstPairs, Math.max(0, Math.abs(ours - gGmx) - 0.0005) * density * shell);
      expect(Math.abs(ours - gGmx), `row ${i}`).toBeLessThanOrEqual(0.0005 + 2 / (density * shell));
      expect(Math.abs(g.cn[2 * i + 1] - gmxCn[i][1]), `cn row ${i}`).toBeLessThanOrEqual(0.0005 + 2 / perPair);
      agreement.note('Na–O CN vs gmx rdf -cn', Math.abs(g.cn[2 * i + 1] - gmxCn[i][1]));
    }
    agreement.note('Na–O g(r) vs gmx rdf (pairs beyond its rounding)', worstPairs);
  });

  it('select by element and name once a GRO topology names the atoms: the same numbers as the index ranges', async () => {
    // The XTC has no names; conf.gro.gz (the run's start, same atoms in the same order) gives them.
    const topology = join(GMX_RUN, 'conf.gro.gz');
    const byName = await analyzeOf(XTC, { topology, msd: ['Na', 'name OW'], fit: '1.99:20.01', rdf: ['Na,name OW'], rmax: '10', bins: '500' });
    const byIndex = await run;
    for (let k = 0; k < 2; k++) {
      expect(byName.msd[k].count).toBe(byIndex.msd[k].count);
      expect(byName.msd[k].diffusion.dA2PerPs).toBe(byIndex.msd[k].diffusion.dA2PerPs);
    }
    expect(byName.rdf[0].cn).toEqual(byIndex.rdf[0].cn);
  });

  it('equal those from the GRO text frames of the same run (every 20th frame)', async () => {
    // The GRO frames are the XTC's frames 0, 20, …, 200 to the same digits: as extended XYZ,
    // they must give the same MSD, D and g(r) as the XTC read with --stride 20 — but for the cell,
    // which the GRO rounds to 1e-5 nm (21.711 Å for the XTC's float32 21.71104): an atom unwrapped
    // across a face moves by that much more or less, and the volume differs by 5.5e-6.
    const g0 = gro[0];
    let text = '';
    for (const f of gro) {
      const [a, b, c] = f.box.map((x) => 10 * x);
      text += `${g0.names.length}\nLattice="${a} 0 0 0 ${b} 0 0 0 ${c}" Properties=species:S:1:pos:R:3 pbc="T T T"\n`;
      for (let i = 0; i < g0.names.length; i++) {
        const p = f.positionsNm.slice(3 * i, 3 * i + 3).map((x) => (10 * x).toFixed(4));
        text += `${g0.names[i] === 'NA' ? 'Na' : g0.names[i] === 'CL' ? 'Cl' : g0.names[i][0]} ${p.join(' ')}\n`;
      }
    }
    const text0 = tempFile('traj-gro.extxyz', text);
    const options = { msd: [NA, OW], fit: '8:20', rdf: [`${NA},${OW}`], rmax: '10', bins: '500' };
    const fromText = await analyzeOf(text0, { ...options, dt: '4ps' });
    const fromXtc = await analyzeOf(XTC, { ...options, stride: '20', dt: '0.2ps' });
    for (let k = 0; k < 2; k++) {
      const [x, t] = [fromXtc.msd[k], fromText.msd[k]];
      let rel = 0;
      for (let i = 1; i < t.curve.msdA2.length; i++) rel = Math.max(rel, Math.abs(x.curve.msdA2[i] / t.curve.msdA2[i] - 1));
      expect(agreement.note('MSD vs the GRO frames (relative)', rel)).toBeLessThan(3e-5);
      expect(agreement.note('D vs the GRO frames (relative)', Math.abs(x.diffusion.dA2PerPs / t.diffusion.dA2PerPs - 1))).toBeLessThan(3e-5);
    }
    const [a, b] = [fromXtc.rdf[0], fromText.rdf[0]];
    expect(a.frames).toBe(11);
    expect(agreement.note('Na–O pair count vs the GRO frames (pairs)', Math.round(maxAbsDiff(a.cn, b.cn) * a.frames * a.nA))).toBeLessThanOrEqual(4);
    expect(a.cnFirstShell!).toBeCloseTo(b.cnFirstShell!, 2);
  });
});
