import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { groFormat } from '../../src/io/gro.js';
import { sniffFormat } from '../../src/io/sniff.js';
import { ParseError } from '../../src/model/errors.js';
import { planSlices } from '../../src/parallel/slices.js';
import { analyzeOf, planOf } from '../support/analyze.js';
import { mdpost } from '../support/cli.js';
import { deviations, PEER, peerFile, xtcTimes } from '../support/gro-pdb.js';
import { pos, readAll, readError, tempFile } from '../support/io.js';
import { expectSameForWorkers } from '../support/workers.js';

/**
 * Multi-frame GRO against what MDAnalysis 2.4 reads from the same files (each frame cut out and
 * read alone, since MDAnalysis reads only a GRO's first frame): `gmx trjconv -o traj.gro` of the
 * NaCl/SPC/E run (11 frames × 1012 atoms), `gmx trjconv -vel` (28 atoms with velocities) and a
 * hand-made file with 5 decimals and a 9-number triclinic box. MDAnalysis holds float32, so
 * agreement is ~2e-6 Å on 20 Å; the files themselves hold 0.01 Å (3 decimals in nm).
 */
const traj = peerFile('traj.gro');
const vel = peerFile('gmx-vel.gro');
const tri = peerFile('hp-triclinic.gro');
const velText = gunzipSync(readFileSync(vel.file)).toString('latin1');
const velLines = velText.split('\n');

/** gmx-vel.gro with line `k` (1-based) replaced by `text` (or removed when null). */
function editedVel(k: number, text: string | null): string {
  const lines = velLines.slice();
  if (text === null) lines.splice(k - 1, 1);
  else lines[k - 1] = text;
  return lines.join('\n');
}

describe('GRO written by gmx trjconv, against MDAnalysis', () => {
  it('11 frames of 1012 atoms: every atom in frames 0, 5, 10 and 20 atoms in all frames within 1e-5 Å, the box within 1e-5', async () => {
    const { frames, reader } = await readAll(traj.file);
    expect(reader.format).toBe('gro');
    const d = deviations(frames, traj);
    expect(d.compared).toBe(3 * 1012 + 11 * 20);
    expect(d.positionsA).toBeLessThan(1e-5); // measured 2.0e-6 (MDAnalysis's float32)
    expect(d.cell).toBeLessThan(1e-5); // measured 1.0e-6
    // The file's decimals, nm → Å, exactly: "    1SOL     OW    1   0.719   0.414   0.637".
    expect(pos(frames[0], 0)).toEqual([7.19, 4.14, 6.37]);
    expect(Array.from(frames[10].box!.matrix)).toEqual([21.711, 0, 0, 0, 21.711, 0, 0, 0, 21.711]);
  });

  it('times and steps from the titles ("t=   4.00000 step= 2000") are those of XTC frames 0, 20, … 200', async () => {
    const { frames } = await readAll(traj.file);
    const xtc = xtcTimes();
    frames.forEach((f, k) => {
      expect(f.step).toBe(xtc.step[20 * k]);
      expect(Math.abs(f.timePs! - xtc.time[20 * k])).toBeLessThan(1e-5); // the XTC stores float32 times
      expect(f.index).toBe(k);
    });
  });

  it('names, residues and elements guessed from the names (NA and CL in one-atom residues are Na and Cl), flagged as guessed', async () => {
    const { reader } = await readAll(traj.file);
    const top = reader.topology!;
    expect(top.names).toEqual(traj.topology.names);
    expect(top.resnames).toEqual(traj.topology.resnames);
    expect(Array.from(top.resids!)).toEqual(traj.topology.resids);
    // MDAnalysis guesses the same elements as types, in upper case: O, H, NA, CL.
    expect(top.elements!.map((e) => e.toUpperCase())).toEqual(traj.topology.types);
    expect(top.elements!.slice(994, 998)).toEqual(['H', 'H', 'Na', 'Na']);
    expect(top.masses![996]).toBeCloseTo(22.99, 2);
    expect(top.elementsGuessed).toEqual(new Uint8Array(1012).fill(1));
    expect(Array.from(top.ids!.subarray(0, 3))).toEqual([1, 2, 3]);
  });

  it('velocity columns are skipped: positions of gmx trjconv -vel agree with MDAnalysis', async () => {
    const { frames } = await readAll(vel.file);
    const d = deviations(frames, vel);
    expect(d.compared).toBe(5 * 28);
    expect(d.positionsA).toBeLessThan(1e-5);
    expect(frames.map((f) => f.timePs)).toEqual([0, 10, 20, 30, 40]);
  });

  it('reads the precision from the decimal points (%10.5f) and the 9-number triclinic box', async () => {
    const { frames } = await readAll(tri.file);
    const d = deviations(frames, tri);
    expect(d.compared).toBe(3 * 28);
    expect(d.positionsA).toBeLessThan(1e-5);
    expect(d.cell).toBeLessThan(1e-5); // lengths and angles; measured 1.8e-6
    // "   0.71900   0.41400   0.63701": the fifth decimal is kept.
    expect(pos(frames[0], 0)).toEqual([7.19, 4.14, 6.3701]);
    // v1(x) v2(y) v3(z) v1(y) v1(z) v2(x) v2(z) v3(x) v3(y) = 2.1711 2.22 2.3 0 0 0.15 0 -0.08 0.21 nm
    const m = Array.from(frames[0].box!.matrix);
    [21.711, 0, 0, 1.5, 22.2, 0, -0.8, 2.1, 23].forEach((v, k) => expect(m[k]).toBeCloseTo(v, 12));
  });
});

describe('GRO input as it comes', () => {
  it('CRLF line ends and gzip give the same frames as the plain file', async () => {
    const plain = await readAll(tempFile('vel.gro', velText));
    const crlf = await readAll(tempFile('vel-crlf.gro', velText.replace(/\n/g, '\r\n')));
    const gz = await readAll(vel.file);
    expect(crlf.frames).toHaveLength(5);
    for (let k = 0; k < 5; k++) {
      expect(Array.from(crlf.frames[k].positions)).toEqual(Array.from(plain.frames[k].positions));
      expect(Array.from(gz.frames[k].positions)).toEqual(Array.from(plain.frames[k].positions));
      expect(crlf.frames[k].timePs).toBe(plain.frames[k].timePs);
    }
    expect(crlf.reader.topology!.names).toEqual(plain.reader.topology!.names);
  });

  it('an empty title line is a title, and blank lines at the end are no frame', async () => {
    const text = velText.replace(/^NaCl in SPC\/E water t=.*$/gm, '') + '\n\n';
    const { frames } = await readAll(tempFile('blank-titles.gro', text));
    expect(frames).toHaveLength(5);
    expect(frames[4].timePs).toBeNull();
    expect(pos(frames[4], 27)).toEqual([18.46, 10.18, 13.8]);
  });

  it('a last frame cut off (a run still writing) is dropped with a warning; the complete frames are kept', async () => {
    for (const cut of [velText.indexOf('   1.015   0.218'), velText.lastIndexOf('   2.17110') + 5, velText.lastIndexOf('NaCl') + 10]) {
      const { frames, reader } = await readAll(tempFile('cut.gro', velText.slice(0, cut)));
      expect(frames).toHaveLength(4);
      expect(reader.warnings).toEqual([expect.stringMatching(/cut.gro: the last frame \(frame 4, from line 125\) is incomplete — the file ends inside it; using the 4 complete frames/)]);
    }
  });

  it('a frame whose count differs from the first frame is an error naming file, line and frame', async () => {
    const err = await readError(tempFile('count.gro', editedVel(64, '   27')));
    expect(err).toBeInstanceOf(ParseError);
    expect(err.message).toMatch(/^\S*count.gro, line 64, frame 2: this frame has 27 atoms where the first frame has 28: every frame of a GRO trajectory must hold the same atoms$/);
  });

  it('a missing or an extra atom line is told apart from a damaged one', async () => {
    const missing = await readError(tempFile('missing.gro', editedVel(40, null)));
    expect(missing.message).toMatch(/missing.gro, line 61, frame 1: the frame declares 28 atoms but has only 27 atom lines: this line holds the box; found "   2.17110   2.17110   2.17110"$/);
    const extra = await readError(tempFile('extra.gro', editedVel(40, velLines[39] + '\n' + velLines[39])));
    expect(extra.message).toMatch(/extra.gro, line 62, frame 1: the frame declares 28 atoms but has more atom lines: this line, where the box should be, is an atom line; found "  348CL/);
    const damaged = await readError(tempFile('damaged.gro', editedVel(40, velLines[39].slice(0, 24) + 'x' + velLines[39].slice(25))));
    expect(damaged.message).toMatch(/damaged.gro, line 40, frame 1: expected atom 7 of 28: x y z \(nm\) in columns 21–44, 8 columns each; found "/);
  });

  it('a huge or garbage atom count is an error before anything is allocated for it', async () => {
    for (const count of ['999999999', '1099511627776']) {
      const err = await readError(tempFile('huge.gro', editedVel(2, count)));
      expect(err).toBeInstanceOf(ParseError);
      expect(err.message).toMatch(new RegExp(`huge.gro, line 2, frame 0: the count says ${count} atoms, but the \\d+ bytes left in the file hold at most \\d+ atom lines \\(each at least 39 bytes\\)$`));
    }
    // With a read buffer smaller than the file, the reader reads on to the end before the count is refused.
    const small = await readError(tempFile('huge-small-buffer.gro', editedVel(2, '999999999')), { bufferBytes: 1024 });
    expect(small.message).toMatch(/line 2, frame 0: the count says 999999999 atoms, but the 10\d{3} bytes left/);
    expect((await readError(tempFile('later.gro', editedVel(33, '999999999')))).message).toMatch(/line 33, frame 1: this frame has 999999999 atoms where the first frame has 28/);
    // Not recognised as GRO by its content any more, so read as one.
    expect((await readError(tempFile('garbage.gro', editedVel(2, '  2x8')), { format: 'gro' })).message).toMatch(/line 2, frame 0: expected the number of atoms \(an integer\), not "2x8"/);
    expect((await readError(tempFile('neg.gro', editedVel(2, '-28')), { format: 'gro' })).message).toMatch(/line 2, frame 0: expected the number of atoms \(a non-negative integer\)/);
  });

  it('exits with status 2 and one line naming the file for a huge count (mdpost info)', () => {
    const r = mdpost(['info', tempFile('huge-cli.gro', editedVel(2, '999999999'))]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/huge-cli.gro, line 2, frame 0: the count says 999999999 atoms/);
  });

  it('is recognised by content: a GRO is not taken for XYZ (even with a numeric title) or XDATCAR', () => {
    expect(sniffFormat(velText)?.name).toBe('gro');
    expect(sniffFormat('1000\n' + velLines.slice(1, 6).join('\n'))?.name).toBe('gro');
    expect(sniffFormat(gunzipSync(readFileSync(tri.file)).toString('latin1'))?.name).toBe('gro');
    expect(sniffFormat('3\nwater\nO 0.000 0.000 0.000\n')?.name).toBe('xyz');
    expect(sniffFormat('3\n5\nO 0.000 0.000 0.000\n')?.name).toBe('xyz');
    expect(sniffFormat('Li6PS5Cl\n1.0\n 1 0 0\n 0 1 0\n 0 0 1\nLi\n1\nDirect configuration= 1\n')?.name).toBe('xdatcar');
  });
});

describe('GRO through the analyses and worker threads', () => {
  const ref = PEER.analysis_traj_gro;

  it('MSD of Na, Cl and water O equal MDAnalysis EinsteinMSD on the same 11 frames (3e-6 relative)', async () => {
    const r = await analyzeOf(traj.file, { msd: ['Na', 'Cl', 'O'], fit: '4:20' });
    ['Na', 'Cl', 'OW'].forEach((key, k) => {
      const mine = r.msd[k], theirs = ref.msd[key];
      expect(mine.count).toBe(theirs.n);
      expect(Array.from(mine.curve.lagPs)).toEqual(theirs.lag_ps);
      for (let m = 1; m < theirs.msd_A2.length; m++) {
        // measured 3e-7 relative: MDAnalysis's float32 positions
        expect(Math.abs(mine.curve.msdA2[m] / theirs.msd_A2[m] - 1)).toBeLessThan(3e-6);
      }
    });
  });

  it('g(r) and n(r) of Na–O equal MDAnalysis InterRDF (100 bins to 10 Å)', async () => {
    const r = await analyzeOf(traj.file, { rdf: ['Na,O'], rmax: '10', bins: '100' });
    const mine = r.rdf[0], theirs = ref.rdf['Na-OW'];
    expect([mine.nA, mine.nB]).toEqual([8, 332]);
    for (let i = 0; i < 100; i++) {
      expect(mine.rA[i]).toBeCloseTo(theirs.r_A[i], 12);
      expect(Math.abs(mine.g[i] - theirs.g[i])).toBeLessThan(1e-5); // measured 1.4e-6
      expect(Math.abs(mine.cn[i] - theirs.cn[i])).toBeLessThan(1e-9); // the same pair counts
    }
  });

  it('cuts a plain file at frame starts by counting N + 3 lines, the count line confirming each cut', async () => {
    const plain = tempFile('traj.gro', gunzipSync(readFileSync(traj.file)));
    const slices = (await planSlices(await planOf(plain, { msd: ['Na'] }), 3, 1))!;
    expect(slices.map((s) => s.firstFrame)).toEqual([0, 4, 8]);
    expect(slices.map((s) => s.firstLine)).toEqual([1, 4 * 1015 + 1, 8 * 1015 + 1]);
    expect(groFormat.framing).toMatchObject({ kind: 'lines', startCheckLine: 1 });
  });

  it('gives the same results with 1, 2 and 3 workers, from slices of the plain file and batches of the gzip one', async () => {
    const plain = tempFile('traj-w.gro', gunzipSync(readFileSync(traj.file)));
    const options = { msd: ['Na', 'O'], rdf: ['Na,O'], rmax: '10', bins: '100' };
    await expectSameForWorkers(plain, options);
    await expectSameForWorkers(traj.file, options);
  });
});
