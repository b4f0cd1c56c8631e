import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mdpost } from '../support/cli.js';
import { FIXTURES, REPO, tempFile } from '../support/io.js';

/**
 * `--topology FILE` on the command line: a LAMMPS run read from its data file and a dump
 * without elements, the GROMACS NaCl/SPC/E frames as XYZ with a GRO or PDB topology, and the
 * same frames labelled with GROMACS names. Every analysis must give the numbers of the same
 * frames with elements in the trajectory itself. (`npm run build` first.)
 */

const NAFSI = join(REPO, 'trajectories/nafsi-water');
const GMX = join(FIXTURES, 'sim/gromacs-nacl-water');
const LMP = join(FIXTURES, 'sim/lammps-data-dcd');
const NAMES_XYZ = join(FIXTURES, 'pipeline/nacl-water-names.xyz.gz');
const BOX = ['--box', '21.711 21.711 21.711', '--dt', '4ps'];

/** Run mdpost analyze with --json into a scratch file; the exit code, stderr and the document. */
function analyze(args: string[], env: Record<string, string> = {}): { code: number; stderr: string; doc: Doc } {
  const out = tempFile(`doc-${Math.random().toString(36).slice(2)}.json`, '');
  const r = spawnSync(process.execPath, [join(REPO, 'bin/mdpost.js'), 'analyze', ...args, '--json', out, '--workers', env.WORKERS ?? '1'], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, MDPOST_NO_PROGRESS: '1', ...env },
    timeout: 120_000,
  });
  const text = r.status === 0 ? readFileSync(out, 'utf8') : '{}';
  return { code: r.status ?? -1, stderr: r.stderr, doc: JSON.parse(text) as Doc };
}

interface Doc {
  input: { atoms: number; frames: number; molecules: { count: number; source: string } | null };
  msd: { selection: string; count: number; kind: string; msd_A2: number[]; D: { A2_per_ps: number } }[];
  rdf: { a: string; b: string; n_a: number; n_b: number; g: number[]; cn: number[] }[];
  warnings: string[];
}

/**
 * Every n-th frame of a LAMMPS dump, with the ATOMS columns kept by name (a dump without the
 * element and mol columns, or one with them, from the same frames).
 */
function dumpFrames(gz: string, every: number, keep: string[]): string {
  const lines = gunzipSync(readFileSync(gz)).toString('latin1').split('\n');
  const out: string[] = [];
  let frame = -1;
  let natoms = 0;
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k];
    if (l.startsWith('ITEM: TIMESTEP')) frame++;
    if (l.startsWith('ITEM: NUMBER OF ATOMS')) natoms = Number(lines[k + 1]);
    const kept = frame % every === 0;
    if (!l.startsWith('ITEM: ATOMS')) {
      if (kept && l !== '') out.push(l);
      continue;
    }
    const names = l.slice('ITEM: ATOMS '.length).trim().split(/\s+/);
    const cols = keep.map((c) => names.indexOf(c));
    if (kept) out.push(`ITEM: ATOMS ${keep.join(' ')}`);
    for (let i = 0; i < natoms; i++) {
      const t = lines[++k].trim().split(/\s+/);
      if (kept) out.push(cols.map((c) => t[c]).join(' '));
    }
  }
  return out.join('\n') + '\n';
}

/** The names XYZ relabelled with elements (OW → O, HW1/HW2 → H, NA → Na, CL → Cl), as an element-writing program would. */
function elementXyz(map: Record<string, string> = { OW: 'O', HW1: 'H', HW2: 'H', NA: 'Na', CL: 'Cl' }): string {
  const text = gunzipSync(readFileSync(NAMES_XYZ)).toString('latin1');
  return text.replace(/^(\s*)(OW|HW1|HW2|NA|CL)(\s)/gm, (_, a: string, l: string, b: string) => `${a}${map[l]}${b}`);
}

const close = (a: number[], b: number[], rel: number) => a.every((x, i) => Math.abs(x - b[i]) <= rel * Math.max(1, Math.abs(b[i])));

describe('a LAMMPS run: data file + a dump without elements', () => {
  // The shipped NaFSI/water run: every 10th frame (41 frames, 5 ps apart), with and without the element and mol columns.
  const plain = tempFile('nafsi-noel.lammpstrj', dumpFrames(join(NAFSI, 'nafsi-water.lammpstrj.gz'), 10, ['id', 'type', 'x', 'y', 'z', 'ix', 'iy', 'iz']));
  const full = tempFile('nafsi-full.lammpstrj', dumpFrames(join(NAFSI, 'nafsi-water.lammpstrj.gz'), 10, ['id', 'mol', 'type', 'element', 'x', 'y', 'z', 'ix', 'iy', 'iz']));
  const data = join(NAFSI, 'nafsi-water.data');
  const ask = ['--msd', 'Na', '--msd', 'FSI', '--rdf', 'Na,O', '--rdf', 'Na,FSI', '--timestep', '1fs'];

  it('the dump alone has types only, and says how to get elements', () => {
    const r = mdpost(['analyze', plain, '--msd', 'Na', '--timestep', '1fs']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the file has no element names \(only LAMMPS types\).*--topology with the LAMMPS data file/);
    const info = mdpost(['info', plain]);
    expect(info.stdout).toMatch(/elements\s+none: the file has LAMMPS atom types only \(give --type-map, or --topology with a LAMMPS data file\)/);
  });

  it('with --topology gives the numbers of the dump with elements, molecules from the data file’s bonds', () => {
    const withTop = analyze([plain, '--topology', data, ...ask]);
    const withEl = analyze([full, ...ask]);
    expect(withTop.code).toBe(0);
    expect(withEl.code).toBe(0);
    expect(withTop.doc.input.molecules).toEqual({ count: 416, source: 'topology bonds' });
    expect(withEl.doc.input.molecules).toEqual({ count: 416, source: 'mol column' });
    // The cut-down dump keeps ITEM: TIME but not the first frame's ITEM: UNITS: only that note.
    expect(withTop.doc.warnings.filter((w: string) => !/ITEM: TIME without ITEM: UNITS/.test(w))).toEqual([]);
    const [naT, fsiT] = withTop.doc.msd;
    const [naE, fsiE] = withEl.doc.msd;
    expect(naT.count).toBe(14);
    expect(close(naT.msd_A2, naE.msd_A2, 1e-12)).toBe(true);
    // FSI centres of mass weigh S by the data file's 32.066 g/mol instead of the standard 32.06 (and N, O, F
    // by its masses): D differs by 1.1e-7 relative.
    expect(fsiT.count).toBe(14);
    expect(Math.abs(fsiT.D.A2_per_ps / fsiE.D.A2_per_ps - 1)).toBeLessThan(1e-6);
    expect(fsiT.D.A2_per_ps).not.toBe(fsiE.D.A2_per_ps);
    for (let k = 0; k < 2; k++) {
      expect(withTop.doc.rdf[k].n_b).toBe(withEl.doc.rdf[k].n_b);
      expect(close(withTop.doc.rdf[k].g, withEl.doc.rdf[k].g, 1e-12)).toBe(true);
    }
  });

  it('takes molecules from the data file’s mol ids when it has no bonds', () => {
    // The same data file without its Bonds section (as for rigid bodies, or a model without bonds).
    const text = readFileSync(data, 'latin1');
    const noBonds = tempFile('nafsi-nobonds.data', text.replace(/^\d+ bonds\n/m, '').replace(/\nBonds\n[\s\S]*?\n(?=Angles\n)/, '\n'));
    const r = analyze([plain, '--topology', noBonds, '--msd', 'FSI', '--timestep', '1fs']);
    const withBonds = analyze([plain, '--topology', data, '--msd', 'FSI', '--timestep', '1fs']);
    expect(r.code).toBe(0);
    expect(r.doc.input.molecules).toEqual({ count: 416, source: 'topology mol ids' });
    expect(close(r.doc.msd[0].msd_A2, withBonds.doc.msd[0].msd_A2, 1e-12)).toBe(true);
  });

  it('gives the same numbers read by two workers, the file cut into slices', () => {
    const one = analyze([plain, '--topology', data, '--msd', 'Na', '--timestep', '1fs']);
    const two = analyze([plain, '--topology', data, '--msd', 'Na', '--timestep', '1fs'], { WORKERS: '2', MDPOST_MIN_PARALLEL_BYTES: '1', MDPOST_SLICE_BYTES: '200000' });
    expect(two.code).toBe(0);
    expect(close(two.doc.msd[0].msd_A2, one.doc.msd[0].msd_A2, 1e-12)).toBe(true);
  });

  it('selects by LAMMPS molecule ids and types with the data file (mol, resid as MDAnalysis reads LAMMPS)', () => {
    const r = analyze([plain, '--topology', data, '--msd', 'mol 1', '--msd', 'resid 1', '--msd', 'type 1', '--timestep', '1fs']);
    expect(r.code).toBe(0);
    expect(r.doc.msd.map((m) => m.count)).toEqual([9, 9, 14]);
    expect(close(r.doc.msd[2].msd_A2, analyze([full, '--msd', 'Na', '--timestep', '1fs']).doc.msd[0].msd_A2, 1e-12)).toBe(true);
  });

  it('info says where the elements come from', () => {
    const r = mdpost(['info', plain, '--topology', data]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/species\s+F: 28, S: 28, N: 14, O: 444, Na: 14, H: 776\n/);
    expect(r.stdout).toContain(`elements     from the type names of ${data}`);
  });

  it('the write_data file of another LAMMPS run gives elements from its masses', () => {
    const dump = tempFile('lmp-noel.lammpstrj', dumpFrames(join(LMP, 'traj.lammpstrj.gz'), 5, ['id', 'type', 'x', 'y', 'z', 'ix', 'iy', 'iz']));
    const withEl = tempFile('lmp-full.lammpstrj', dumpFrames(join(LMP, 'traj.lammpstrj.gz'), 5, ['id', 'mol', 'type', 'element', 'x', 'y', 'z', 'ix', 'iy', 'iz']));
    const info = mdpost(['info', dump, '--topology', join(LMP, 'system.data'), '--json']);
    const j = JSON.parse(info.stdout);
    expect(j.species).toEqual({ F: 16, S: 16, N: 8, O: 256, Na: 8, H: 448 });
    expect(j.elements_from).toMatch(/^the masses in .*system\.data: type 1→Na, type 2→N/);
    const a = analyze([dump, '--topology', join(LMP, 'system.data'), '--msd', 'Na', '--rdf', 'Na,O', '--timestep', '1fs']);
    const b = analyze([withEl, '--msd', 'Na', '--rdf', 'Na,O', '--timestep', '1fs']);
    expect(close(a.doc.msd[0].msd_A2, b.doc.msd[0].msd_A2, 1e-12)).toBe(true);
    expect(close(a.doc.rdf[0].g, b.doc.rdf[0].g, 1e-12)).toBe(true);
  });

  it('refuses a data file of another system, naming both files and both atom counts', () => {
    const r = mdpost(['analyze', plain, '--topology', join(LMP, 'system.data'), '--msd', 'Na', '--timestep', '1fs']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`mdpost: error: ${join(LMP, 'system.data')} has 752 atoms but ${plain} has 1304 atoms per frame: a topology must list the trajectory's atoms, in the same order`);
    const info = mdpost(['info', plain, '--topology', join(GMX, 'traj.gro.gz')]);
    expect(info.code).toBe(2);
    expect(info.stderr).toMatch(/traj\.gro\.gz has 1012 atoms but .*nafsi-noel\.lammpstrj has 1304 atoms per frame/);
  });
});

describe('GROMACS frames as XYZ with a GRO or PDB topology', () => {
  const elXyz = tempFile('nacl-elements.xyz', elementXyz());

  it('XYZ labels OW HW1 HW2 NA CL give the Na MSD and Na–OW g(r) of the element-labelled file', () => {
    const names = analyze([NAMES_XYZ, ...BOX, '--msd', 'Na', '--msd', 'H2O', '--rdf', 'Na,OW', '--rdf', 'name NA,name OW']);
    const els = analyze([elXyz, ...BOX, '--msd', 'Na', '--msd', 'H2O', '--rdf', 'Na,O']);
    expect(names.code).toBe(0);
    expect(names.doc.msd[0].count).toBe(8);
    expect(names.doc.msd[1].count).toBe(332);
    expect(close(names.doc.msd[0].msd_A2, els.doc.msd[0].msd_A2, 1e-12)).toBe(true);
    expect(close(names.doc.msd[1].msd_A2, els.doc.msd[1].msd_A2, 1e-12)).toBe(true);
    for (const r of names.doc.rdf) {
      expect(r.n_b).toBe(332);
      expect(close(r.g, els.doc.rdf[0].g, 1e-12)).toBe(true);
      expect(close(r.cn, els.doc.rdf[0].cn, 1e-12)).toBe(true);
    }
    const info = mdpost(['info', NAMES_XYZ, '--box', '21.711 21.711 21.711']);
    expect(info.stdout).toMatch(/species\s+O: 332, H: 664, Na: 8, Cl: 8\nelements\s+guessed from names: OW→O, HW1→H, HW2→H, NA→Na, CL→Cl\n/);
    const json = JSON.parse(mdpost(['info', NAMES_XYZ, '--json']).stdout);
    expect(json.elements_guessed).toEqual({ OW: 'O', HW1: 'H', HW2: 'H', NA: 'Na', CL: 'Cl' });
  });

  it('a GRO topology gives residues and names to an XYZ of elements: resname, name, resid, mol select what elements do', () => {
    const r = analyze([
      elXyz, ...BOX, '--topology', join(GMX, 'traj.gro.gz'),
      '--msd', 'resname NA', '--msd', 'resid 333:340', '--msd', 'mol 333 to 340', '--msd', 'resname SOL and name OW',
      '--rdf', 'resname NA,name OW', '--rdf', 'name CL,resname SOL and name HW*',
    ]);
    const e = analyze([elXyz, ...BOX, '--msd', 'Na', '--msd', 'O', '--rdf', 'Na,O', '--rdf', 'Cl,H']);
    expect(r.code).toBe(0);
    expect(r.doc.input.molecules?.source).toBe('bonds'); // a GRO file has no bonds: found by distance
    expect(r.doc.msd.map((m) => m.count)).toEqual([8, 8, 8, 332]);
    for (const k of [0, 1, 2]) expect(close(r.doc.msd[k].msd_A2, e.doc.msd[0].msd_A2, 1e-12)).toBe(true);
    expect(close(r.doc.msd[3].msd_A2, e.doc.msd[1].msd_A2, 1e-12)).toBe(true);
    for (const k of [0, 1]) expect(close(r.doc.rdf[k].g, e.doc.rdf[k].g, 1e-12)).toBe(true);
    expect(r.doc.warnings).toEqual([]);
  });

  it('a PDB topology (element column, no CONECT) does the same for the names XYZ', () => {
    const r = analyze([NAMES_XYZ, ...BOX, '--topology', join(GMX, 'traj.pdb.gz'), '--msd', 'resname CL', '--rdf', 'element Na,resname SOL and element O']);
    const e = analyze([elXyz, ...BOX, '--msd', 'Cl', '--rdf', 'Na,O']);
    expect(r.code).toBe(0);
    expect(close(r.doc.msd[0].msd_A2, e.doc.msd[0].msd_A2, 1e-12)).toBe(true);
    expect(close(r.doc.rdf[0].g, e.doc.rdf[0].g, 1e-12)).toBe(true);
    const info = mdpost(['info', NAMES_XYZ, '--topology', join(GMX, 'traj.pdb.gz')]);
    expect(info.stdout).toContain(`elements     from the element column of ${join(GMX, 'traj.pdb.gz')}\n`);
  });

  it('keeps the topology file’s element where the trajectory’s label names another, and warns', () => {
    const wrong = tempFile('nacl-br.xyz', elementXyz({ OW: 'O', HW1: 'H', HW2: 'H', NA: 'Na', CL: 'Br' }));
    const r = analyze([wrong, ...BOX, '--topology', join(GMX, 'traj.gro.gz'), '--rdf', 'Na,Cl']);
    expect(r.code).toBe(0);
    expect(r.doc.rdf[0].n_b).toBe(8);
    expect(r.doc.warnings).toContain(
      `the topology file and the trajectory disagree on elements: 8 atoms like CL (CL) are Cl in ${join(GMX, 'traj.gro.gz')} but Br in ${wrong}; the topology file's elements are used`,
    );
    expect(r.stderr).toContain('disagree on elements');
  });

  it('refuses files whose atoms are in another order', () => {
    // The last two waters' atoms swapped with the first ions: an OW of the GRO file is Na here.
    const text = elementXyz().split('\n');
    const swapped = tempFile('nacl-swapped.xyz', text.map((l, i) => (i === 2 ? text[2 + 996] : i === 2 + 996 ? text[2] : l)).join('\n'));
    const r = mdpost(['analyze', swapped, ...BOX, '--topology', join(GMX, 'traj.gro.gz'), '--msd', 'Na']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/do not list the same atoms in the same order: atoms 0 and 3 \(0-based\) are both OW \(SOL\) in .*traj\.gro\.gz, but Na and O in .*nacl-swapped\.xyz/);
  });

  it('answers selections in other programs’ words with what mdpost has', () => {
    const resnum = mdpost(['analyze', elXyz, ...BOX, '--topology', join(GMX, 'traj.gro.gz'), '--msd', 'resnum 333']);
    expect(resnum.code).toBe(2);
    expect(resnum.stderr).toMatch(/"resnum" is not a keyword here: did you mean resid/);
    const noTop = mdpost(['analyze', elXyz, ...BOX, '--msd', 'resname SOL']);
    expect(noTop.code).toBe(2);
    expect(noTop.stderr).toMatch(/the file has no residue names \(it has elements\); give --topology with a GRO or PDB file/);
    const segid = mdpost(['analyze', elXyz, ...BOX, '--msd', 'segid A']);
    expect(segid.stderr).toMatch(/"segid" is not supported: mdpost reads no segments or chains/);
  });

  it('reads the topology named in a batch job file, relative to the job file', () => {
    const dir = join(tempFile('.anchor-top', ''), '..', `job-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'conf.gro'), gunzipSync(readFileSync(join(GMX, 'traj.gro.gz'))));
    writeFileSync(join(dir, 'job.json'), JSON.stringify({ runs: [{ file: elXyz, topology: 'conf.gro', box: '21.711 21.711 21.711', dt: '4ps', msd: ['resname NA'] }] }));
    const r = mdpost(['batch', join(dir, 'job.json'), '--out', join(dir, 'out'), '--workers', '1']);
    expect(r.code).toBe(0);
    const summary = readFileSync(join(dir, 'out', 'summary.json'), 'utf8');
    expect(summary).toContain('resname NA');
  });
});

describe('where the elements of a GRO or PDB trajectory come from', () => {
  it('info says a PDB with element columns (77–78) gives its elements, and lists nothing as guessed', () => {
    const pdb = join(GMX, 'traj.pdb.gz');
    const r = mdpost(['info', pdb]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/species\s+O: 332, H: 664, Na: 8, Cl: 8\nelements\s+from the file\n/);
    const json = JSON.parse(mdpost(['info', pdb, '--json']).stdout);
    expect(json.elements_from).toBe('the file');
    expect(json).not.toHaveProperty('elements_guessed');
  });

  it('info still lists the guesses of a GRO, which has names only', () => {
    const gro = join(GMX, 'traj.gro.gz');
    const r = mdpost(['info', gro]);
    expect(r.stdout).toMatch(/elements\s+guessed from names: OW→O, HW1→H, HW2→H, NA→Na, CL→Cl\n/);
    expect(JSON.parse(mdpost(['info', gro, '--json']).stdout).elements_guessed).toEqual({ OW: 'O', HW1: 'H', HW2: 'H', NA: 'Na', CL: 'Cl' });
  });

  it('info lists as guessed only the atoms of a PDB whose element columns are blank', () => {
    // The first model, with columns 77–78 blanked for the ions only: the water's O and H are the file's.
    const lines = gunzipSync(readFileSync(join(GMX, 'traj.pdb.gz'))).toString('latin1').split('\n');
    const model = lines.slice(0, lines.indexOf('ENDMDL') + 1).map((l) => (/^ATOM.{8}(NA|CL) /.test(l) ? l.slice(0, 76).trimEnd() : l));
    expect(model.filter((l) => l.startsWith('ATOM') && l.length < 77)).toHaveLength(16);
    const pdb = tempFile('nacl-ions-unlabelled.pdb', model.join('\n') + '\n');
    const r = mdpost(['info', pdb]);
    expect(r.stdout).toMatch(/species\s+O: 332, H: 664, Na: 8, Cl: 8\nelements\s+from the file, and where it gives none, guessed from names: NA→Na, CL→Cl\n/);
    expect(JSON.parse(mdpost(['info', pdb, '--json']).stdout).elements_guessed).toEqual({ NA: 'Na', CL: 'Cl' });
  });
});

describe('a binary trajectory with the topology of another system', () => {
  it('is refused with exit 2, naming both files and both atom counts', () => {
    const xtc = join(GMX, 'traj.xtc');
    const data = join(LMP, 'system.data');
    const r = mdpost(['analyze', xtc, '--topology', data, '--msd', 'Na'], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(`mdpost: error: ${data} has 752 atoms but ${xtc} has 1012 atoms per frame: a topology must list the trajectory's atoms, in the same order`);
    // And the other way round: the LAMMPS DCD with the GROMACS run's GRO.
    const dcd = join(LMP, 'traj.dcd');
    const gro = join(GMX, 'conf.gro.gz');
    const d = mdpost(['analyze', dcd, '--topology', gro, '--msd', 'Na'], { timeoutMs: 30_000 });
    expect(d.code).toBe(2);
    expect(d.stderr.trim()).toBe(`mdpost: error: ${gro} has 1012 atoms but ${dcd} has 752 atoms per frame: a topology must list the trajectory's atoms, in the same order`);
  });
});

describe('resname on a real system: the shipped NaFSI/water run with a GRO topology', () => {
  // test/fixtures/topology/nafsi/nafsi-water.gro.gz (make_gro.py): the data file's atoms with residues
  // FSI (F1 S1 N O1 O2 S2 O3 O4 F2), NA and SOL (OW HW1 HW2), resid = LAMMPS molecule id.
  const gro = join(FIXTURES, 'topology/nafsi/nafsi-water.gro.gz');
  const data = join(NAFSI, 'nafsi-water.data');
  const plain = tempFile('nafsi-noel-gro.lammpstrj', dumpFrames(join(NAFSI, 'nafsi-water.lammpstrj.gz'), 10, ['id', 'type', 'x', 'y', 'z', 'ix', 'iy', 'iz']));

  it('resname FSI selects the atoms of the FSI molecules, as the formula and the data file’s molecules do', () => {
    const byRes = analyze([
      plain, '--topology', gro, '--timestep', '1fs',
      '--msd', 'resname FSI', '--msd', 'FSI and all', '--msd', 'resid 1:14',
      '--rdf', 'Na,resname FSI', '--rdf', 'Na,FSI', '--rdf', 'Na,resname FSI and name O*', '--rdf', 'Na,FSI and O',
    ]);
    expect(byRes.code).toBe(0);
    expect(byRes.doc.input.atoms).toBe(1304);
    // "FSI" alone moves as 14 centres of mass; "FSI and all" is its 126 atoms, as resname FSI and the residues 1–14.
    const [res, formula, resid] = byRes.doc.msd;
    expect([res.count, formula.count, resid.count]).toEqual([126, 126, 126]);
    expect(res.msd_A2).toEqual(formula.msd_A2);
    expect(res.msd_A2).toEqual(resid.msd_A2);
    const [naRes, naFsi, naResO, naFsiO] = byRes.doc.rdf;
    expect([naRes.n_b, naFsi.n_b, naResO.n_b, naFsiO.n_b]).toEqual([126, 126, 56, 56]);
    expect(naRes.g).toEqual(naFsi.g);
    expect(naResO.g).toEqual(naFsiO.g);
    // The same atoms as the molecules of the LAMMPS data file (its bonds) select.
    const byData = analyze([plain, '--topology', data, '--timestep', '1fs', '--msd', 'FSI and all', '--rdf', 'Na,FSI and O']);
    expect(byData.code).toBe(0);
    expect(byData.doc.msd[0].msd_A2).toEqual(res.msd_A2);
    expect(byData.doc.rdf[0].g).toEqual(naResO.g);
  });

  it('info names the residues’ elements as guessed from the GRO file’s names', () => {
    const r = mdpost(['info', plain, '--topology', gro]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/species\s+F: 28, S: 28, N: 14, O: 444, Na: 14, H: 776\n/);
    expect(r.stdout).toContain(`elements     from ${gro}, guessed from names: F1→F, S1→S, O1→O, O2→O, S2→S, O3→O, O4→O, F2→F, NA→Na, OW→O, HW1→H, HW2→H\n`);
  });
});
