import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { pdbFormat, pdbFrameStart } from '../../src/io/pdb.js';
import { sniffFormat } from '../../src/io/sniff.js';
import { ParseError } from '../../src/model/errors.js';
import { planSlices } from '../../src/parallel/slices.js';
import { analyzeOf, planOf } from '../support/analyze.js';
import { deviations, peerFile, xtcTimes } from '../support/gro-pdb.js';
import { pos, readAll, readError, tempFile } from '../support/io.js';
import { expectSame, expectSameForWorkers } from '../support/workers.js';

/**
 * Multi-frame PDB against what MDAnalysis 2.4 reads from the same files: `gmx trjconv -o traj.pdb`
 * (REMARK, TITLE with t= and step=, CRYST1 and MODEL per frame, TER, ENDMDL; 11 × 1012 atoms),
 * `MDAnalysis.Writer(multiframe=True)` (one CRYST1 at the top, MODEL/ENDMDL, CONECT and END after
 * the last model) and a VMD-style file (CRYST1, atoms without element columns and END per frame;
 * each frame read alone by MDAnalysis, which reads a file without MODEL records as one frame).
 * PDB holds 0.001 Å; MDAnalysis's float32 values, written as their shortest decimals, are the
 * file's decimals, so positions agree exactly.
 */
const traj = peerFile('traj.pdb');
const mda = peerFile('mda.pdb');
const vmd = peerFile('vmd-end.pdb');
const text = (file: string) => gunzipSync(readFileSync(file)).toString('latin1');
const trajText = text(traj.file);
const trajLines = trajText.split('\n');
const vmdText = text(vmd.file);

/** traj.pdb with line `k` (1-based) replaced by `line` (or removed when null). */
function editedTraj(k: number, line: string | null): string {
  const lines = trajLines.slice();
  if (line === null) lines.splice(k - 1, 1);
  else lines[k - 1] = line;
  return lines.join('\n');
}

describe('PDB written by gmx trjconv, against MDAnalysis', () => {
  it('11 MODELs of 1012 atoms: every atom in frames 0, 5, 10 and 20 atoms in all, and the CRYST1 cell', async () => {
    const { frames, reader } = await readAll(traj.file);
    expect(reader.format).toBe('pdb');
    const d = deviations(frames, traj);
    expect(d.compared).toBe(3 * 1012 + 11 * 20);
    expect(d.positionsA).toBeLessThan(1e-6); // measured 0
    expect(d.cell).toBeLessThan(1e-6); // measured 0
    expect(Array.from(frames[3].box!.matrix)).toEqual([21.711, 0, 0, 0, 21.711, 0, 0, 0, 21.711]);
    expect(pos(frames[0], 0)).toEqual([7.19, 4.14, 6.37]);
    expect(reader.warnings).toEqual([]);
  });

  it('times and steps from the TITLE records ("t=   4.00000 step= 2000"): those of XTC frames 0, 20, … 200', async () => {
    const { frames } = await readAll(traj.file);
    const xtc = xtcTimes();
    frames.forEach((f, k) => {
      expect(f.step).toBe(xtc.step[20 * k]);
      expect(Math.abs(f.timePs! - xtc.time[20 * k])).toBeLessThan(1e-5);
    });
  });

  it('names, residues, and elements from columns 77–78 (Na, Cl: not guessed)', async () => {
    const { reader } = await readAll(traj.file);
    const top = reader.topology!;
    expect(top.names).toEqual(traj.topology.names);
    expect(top.resnames).toEqual(traj.topology.resnames);
    expect(Array.from(top.resids!)).toEqual(traj.topology.resids);
    expect(top.elements).toEqual(traj.topology.elements);
    expect(top.elementsGuessed ?? null).toBeNull();
    expect(top.masses![1011]).toBeCloseTo(35.45, 2);
  });
});

describe('PDB written by MDAnalysis and by VMD', () => {
  it('MDAnalysis.Writer: 6 models; the one CRYST1 at the top is every frame\'s cell (MDAnalysis itself reads none)', async () => {
    const { frames, reader } = await readAll(mda.file);
    const d = deviations(frames, mda);
    expect(d.compared).toBe(6 * 28);
    expect(d.positionsA).toBeLessThan(1e-6); // measured 0
    // MDAnalysis starts each frame at its MODEL record and so misses a CRYST1 written before MODEL 1.
    expect(mda.frames.every((f) => f.dimensions === null)).toBe(true);
    const vectors = mda.cryst1_alone!.triclinic_vectors.flat();
    for (const f of frames) {
      expect(f.timePs).toBeNull();
      Array.from(f.box!.matrix).forEach((v, k) => expect(Math.abs(v - vectors[k])).toBeLessThan(1e-5)); // measured 1e-6
    }
    expect(reader.topology!.elements).toEqual(mda.topology.elements!.map((e) => (e === 'NA' ? 'Na' : e === 'CL' ? 'Cl' : e)));
    expect(reader.warnings).toEqual([]); // CONECT and END after the last model are no frame
  });

  it('VMD style: frames ended by END, a CRYST1 each (the cell changing), elements guessed from the names', async () => {
    const { frames, reader } = await readAll(vmd.file);
    const d = deviations(frames, vmd);
    expect(d.compared).toBe(4 * 28);
    expect(d.positionsA).toBeLessThan(1e-6);
    expect(d.cell).toBeLessThan(1e-5);
    expect(frames.map((f) => f.box!.matrix[0])).toEqual([21.711, 21.754, 21.798, 21.841]);
    const top = reader.topology!;
    expect(top.elements!.map((e) => e.toUpperCase())).toEqual(vmd.topology.types);
    expect(top.elements!.slice(11, 13)).toEqual(['H', 'Na']);
    expect(top.elementsGuessed).toEqual(new Uint8Array(28).fill(1));
  });

  it('frames that are CRYST1 groups with no terminator at all: each CRYST1 after atoms starts the next frame', async () => {
    const groups = vmdText.replace(/^END\n/gm, '');
    const a = await readAll(tempFile('groups.pdb', groups));
    const b = await readAll(vmd.file);
    expect(a.frames).toHaveLength(4);
    a.frames.forEach((f, k) => {
      expect(Array.from(f.positions)).toEqual(Array.from(b.frames[k].positions));
      expect(f.box!.matrix[0]).toBe(b.frames[k].box!.matrix[0]);
    });
    expect(a.reader.warnings).toEqual([]);
  });

  it('MODEL/ENDMDL without any CRYST1 has no cell; HETATM records and hybrid-36 residue numbers are read', async () => {
    const atom = (rec: string, serial: number, name: string, res: string, resid: string, x: number) =>
      `${rec.padEnd(6)}${String(serial).padStart(5)} ${name.padEnd(4)} ${res.padEnd(4)}A${resid.padStart(4)}    ${x.toFixed(3).padStart(8)}${'1.000'.padStart(8)}${'-2.000'.padStart(8)}  1.00  0.00          ${name === 'NA' ? 'NA' : ' O'}\n`;
    const model = (k: number) => `MODEL     ${k}\n${atom('HETATM', 1, 'NA', 'NA', '9999', k)}${atom('ATOM', 2, 'OW', 'SOL', 'A000', -100.25 - k)}ENDMDL\n`;
    const { frames, reader } = await readAll(tempFile('models.pdb', model(1) + model(2) + 'END\n'));
    expect(frames).toHaveLength(2);
    expect(frames[1].box).toBeNull();
    expect(pos(frames[1], 1)).toEqual([-102.25, 1, -2]);
    expect(Array.from(reader.topology!.resids!)).toEqual([9999, 10000]);
    expect(reader.topology!.elements).toEqual(['Na', 'O']);
  });
});

describe('PDB input as it comes', () => {
  it('CRLF line ends and gzip give the same frames as the plain file', async () => {
    const plain = await readAll(tempFile('traj.pdb', trajText));
    const crlf = await readAll(tempFile('traj-crlf.pdb', trajText.replace(/\n/g, '\r\n')));
    const gz = await readAll(traj.file);
    expect(crlf.frames).toHaveLength(11);
    for (let k = 0; k < 11; k++) {
      expect(Array.from(crlf.frames[k].positions)).toEqual(Array.from(plain.frames[k].positions));
      expect(Array.from(gz.frames[k].positions)).toEqual(Array.from(plain.frames[k].positions));
      expect(crlf.frames[k].step).toBe(plain.frames[k].step);
    }
    expect(crlf.reader.topology!.elements).toEqual(plain.reader.topology!.elements);
  });

  it('a last frame cut off is dropped with a warning, wherever the cut falls', async () => {
    const cuts = [
      trajText.lastIndexOf('MODEL') + 15, // after the MODEL line
      trajText.lastIndexOf('ATOM    500 ') + 40, // inside an atom record
      trajText.lastIndexOf('ATOM    500 '), // between atom records
    ];
    for (const cut of cuts) {
      const { frames, reader } = await readAll(tempFile('cut.pdb', trajText.slice(0, cut)));
      expect(frames).toHaveLength(10);
      expect(reader.warnings).toEqual([expect.stringMatching(/cut.pdb: the last frame \(frame 10, from line 10191\) is incomplete — the file ends inside it; using the 10 complete frames/)]);
    }
    // Every atom of the last model is there and only its TER and ENDMDL are missing: a whole frame.
    const { frames, reader } = await readAll(tempFile('no-endmdl.pdb', trajText.slice(0, trajText.lastIndexOf('TER'))));
    expect(frames).toHaveLength(11);
    expect(reader.warnings).toEqual([]);
  });

  it('a model with one atom too few or too many is an error naming file, line and frame', async () => {
    // Frame 3 is lines 3058–4076: REMARK, TITLE, REMARK, CRYST1, MODEL, 1012 ATOM, TER, ENDMDL.
    const fewer = await readError(tempFile('fewer.pdb', editedTraj(3100, null)));
    expect(fewer).toBeInstanceOf(ParseError);
    expect(fewer.message).toMatch(/^\S*fewer.pdb, line 4075, frame 3: this frame has 1011 atoms where the first frame has 1012: every frame must hold the same atoms$/);
    const more = await readError(tempFile('more.pdb', editedTraj(3100, trajLines[3099] + '\n' + trajLines[3099])));
    expect(more.message).toMatch(/more.pdb, line 4075, frame 3: this frame has more atoms than the first frame's 1012 \(no ENDMDL or END between them\?\); found "ATOM/);
    const damaged = await readError(tempFile('damaged.pdb', editedTraj(3100, trajLines[3099].slice(0, 33) + 'x' + trajLines[3099].slice(34))));
    expect(damaged.message).toMatch(/damaged.pdb, line 3100, frame 3: expected x y z \(Å\) in columns 31–38, 39–46 and 47–54; found "ATOM/);
    const empty = await readError(tempFile('empty-model.pdb', 'MODEL        1\nENDMDL\n'));
    expect(empty.message).toMatch(/empty-model.pdb, line 2, frame 0: this model has no atoms/);
  });

  it('is recognised by its first record, and never taken for XYZ, GRO or XDATCAR', () => {
    expect(sniffFormat(trajText.slice(0, 4000))?.name).toBe('pdb');
    expect(sniffFormat(text(mda.file).slice(0, 4000))?.name).toBe('pdb');
    expect(sniffFormat(vmdText.slice(0, 4000))?.name).toBe('pdb');
    expect(sniffFormat(trajLines.slice(4, 20).join('\n'))?.name).toBe('pdb'); // MODEL first
    expect(sniffFormat(trajLines.slice(5, 20).join('\n'))?.name).toBe('pdb'); // ATOM first
    expect(sniffFormat('HETATM12345 NA    NA A   1       1.000   2.000   3.000\n')?.name).toBe('pdb');
    expect(sniffFormat('ATOMS\n3\n')).toBeNull();
  });
});

describe('PDB and GRO of the same frames', () => {
  it('give the same MSD and g(r): trjconv wrote both from one XTC, 0.001 nm = 0.01 Å either way', async () => {
    const options = { msd: ['Na', 'O'], rdf: ['Na,O'], rmax: '10', bins: '100' };
    const fromPdb = await analyzeOf(traj.file, options);
    const fromGro = await analyzeOf(peerFile('traj.gro').file, options);
    expectSame(fromPdb.msd.map((m) => Array.from(m.curve.msdA2)), fromGro.msd.map((m) => Array.from(m.curve.msdA2)));
    expectSame(fromPdb.msd.map((m) => m.diffusion.dA2PerPs), fromGro.msd.map((m) => m.diffusion.dA2PerPs));
    expectSame(Array.from(fromPdb.rdf[0].g), Array.from(fromGro.rdf[0].g));
  });
});

describe('PDB frames for worker threads', () => {
  it('frame starts: the line after ENDMDL or END, or a header record right after atoms', () => {
    const at = (s: string) => Buffer.from(s + '\0', 'latin1');
    const models = at('MODEL 1\nATOM  x\nTER\nENDMDL\nREMARK r\nMODEL 2\nATOM  y\nENDMDL\nEND\nCONECT 1 2\n');
    expect(pdbFrameStart(models, 1, models.length - 1)).toBe(models.indexOf('REMARK'));
    expect(pdbFrameStart(models, models.indexOf('REMARK') + 1, models.length - 1)).toBe(-1); // END and CONECT close the file
    const groups = at('CRYST1 a\nATOM  x\nATOM  x\nCRYST1 b\nATOM  y\n');
    expect(pdbFrameStart(groups, 1, groups.length - 1)).toBe(groups.indexOf('CRYST1 b'));
    const ends = at('CRYST1 a\nATOM  x\nEND\nCRYST1 b\nATOM  y\nEND\n');
    expect(pdbFrameStart(ends, 1, ends.length - 1)).toBe(ends.indexOf('CRYST1 b'));
    expect(pdbFrameStart(ends, 0, ends.length - 1)).toBe(0);
  });

  it('a plain trjconv file is cut at frame starts numbered by their TITLE steps; files without stamps are read by one thread', async () => {
    const plain = tempFile('traj-s.pdb', trajText);
    const slices = (await planSlices(await planOf(plain, { msd: ['Na'] }), 3, 1))!;
    expect(slices.map((s) => s.firstFrame)).toEqual([0, 4, 8]);
    expect(slices.map((s) => trajText.slice(s.start, s.start + 20))).toEqual(Array(3).fill('REMARK    GENERATED '));
    const unstamped = tempFile('vmd-s.pdb', vmdText);
    expect(await planSlices(await planOf(unstamped, { msd: ['Na'], dt: '1' }), 3, 1)).toBeNull();
    expect(pdbFormat.framing?.kind).toBe('marker');
  });

  it('gives the same results with 1, 2 and 3 workers: slices of the plain file, batches of the gzip ones', async () => {
    const options = { msd: ['Na', 'O'], rdf: ['Na,O'], rmax: '10', bins: '100' };
    await expectSameForWorkers(tempFile('traj-w.pdb', trajText), options);
    await expectSameForWorkers(traj.file, options);
    // Frames without stamps: gzip batches of about two frames, cut at END and at ENDMDL.
    await expectSameForWorkers(vmd.file, { rdf: ['Na,O'], rmax: '10', bins: '50' }, 3000);
    await expectSameForWorkers(mda.file, { msd: ['Na'], rdf: ['Na,O'], rmax: '10', bins: '50', dt: '1' }, 3000);
  });
});
