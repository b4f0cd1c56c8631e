import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runView } from '../../src/cli/view.js';
import { TrajectoryReader } from '../../src/io/reader.js';
import { InputError } from '../../src/model/errors.js';
import { ANALYSES } from '../../src/analyses/index.js';
import { documentJson, documentOf } from '../../src/report/document.js';
import { analyzeFile } from '../../src/run/analyze-file.js';
import { specOf } from '../support/analyze.js';
import { defaultWebRoot, startViewer, type ViewOptions, type ViewServer } from '../../src/viewer/server.js';
import type { FrameShell, ViewAnalysis, ViewInfo } from '../../src/viewer/api.js';
import { readDcd } from '../support/dcd.js';
import { tempFile } from '../support/io.js';
import { NAFSI_DUMP } from '../support/nafsi.js';

/** A raw GET (or other method) with the path exactly as given: fetch would normalise "..". */
function raw(url: string, path: string, method = 'GET'): Promise<{ status: number; body: Buffer }> {
  const u = new URL(url);
  return new Promise((ok, fail) => {
    const req = request({ host: u.hostname, port: u.port, path, method }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('mdpost view server', () => {
  let server: ViewServer;
  beforeAll(async () => {
    server = await startViewer({ file: NAFSI_DUMP, read: {}, port: 0, stride: 4, highlight: null, shell: null, cutoffA: 3.2, analysisFile: null, webRoot: defaultWebRoot(), analyze: false });
  });
  afterAll(() => server.close());

  it('listens on the loopback interface only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('describes the view: frames after the stride, stamps, the Na⁺ highlighted and the O shell', async () => {
    const info: ViewInfo = JSON.parse((await raw(server.url, '/api/info')).body.toString());
    expect(info).toMatchObject({ natoms: 1304, frames: 101, stride: 4, fileFrames: 401 });
    expect(info.stamps[1]).toEqual({ index: 4, step: 2000, timePs: 2 });
    expect(info.highlight.selection).toBe('Na');
    expect(info.highlight.atoms).toHaveLength(14);
    expect(info.shell).toMatchObject({ selection: 'O', cutoffA: 3.2 });
  });

  it('serves a topology and coordinates that round-trip to the reader’s frames (up to whole cell vectors)', async () => {
    const pdb = (await raw(server.url, '/api/topology.pdb')).body.toString();
    const atoms = pdb.split('\n').filter((l) => l.startsWith('HETATM'));
    const dcd = readDcd((await raw(server.url, '/api/trajectory.dcd')).body);
    expect(atoms).toHaveLength(1304);
    expect(dcd.frames).toHaveLength(101);
    const reader = await TrajectoryReader.open(NAFSI_DUMP);
    const L = 23.795186;
    let k = 0;
    for await (const f of reader.frames()) {
      if (f.index % 4 !== 0) continue;
      if (k === 0) {
        atoms.forEach((line, i) => expect(line.slice(76, 78).trim().toLowerCase()).toBe(reader.topology!.elements![i].toLowerCase()));
      }
      const xyz = dcd.frames[k].xyz;
      for (let i = 0; i < 1304; i += 37) {
        for (let d = 0; d < 3; d++) {
          const diff = (xyz[d][i] - f.positions[3 * i + d]) / L;
          expect(Math.abs(diff - Math.round(diff)) * L).toBeLessThan(1e-3); // float32
        }
      }
      expect(dcd.frames[k].cell[0]).toBeCloseTo(L, 4);
      k++;
    }
    expect(k).toBe(101);
    // Bonds: every FSI and water, no Na.
    const conect = pdb.split('\n').filter((l) => l.startsWith('CONECT'));
    expect(conect.length).toBeGreaterThan(14 * 9 + 388 * 3 - 100);
  });

  it('gives the first shell of each Na⁺ at a frame', async () => {
    const s: FrameShell = JSON.parse((await raw(server.url, '/api/shell?frame=10')).body.toString());
    expect(s.frame).toBe(10);
    expect(s.perAtom).toHaveLength(14);
    const mean = s.perAtom.reduce((a, p) => a + p.neighbours.length, 0) / 14;
    expect(mean).toBeGreaterThan(4);
    expect(mean).toBeLessThan(8);
  });

  it.each([
    ['/../../etc/passwd', 'GET'],
    ['/%2e%2e/%2e%2e/etc/passwd', 'GET'],
    ['/assets/../../package.json', 'GET'],
    ['/..%2f..%2fpackage.json', 'GET'],
    ['/%00', 'GET'],
    ['/%zz', 'GET'],
    ['/api/nope', 'GET'],
    ['/api/shell?frame=1e9', 'GET'],
    ['/api/info', 'POST'],
    ['/api/info', 'DELETE'],
  ])('refuses %s (%s) with a 4xx and keeps serving', async (path, method) => {
    const r = await raw(server.url, path, method);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.body.toString()).not.toMatch(/root:|"name": "mdpost"/);
    expect((await raw(server.url, '/api/info')).status).toBe(200);
  });

  it('serves the page', async () => {
    const r = await raw(server.url, '/');
    expect(r.status).toBe(200);
    expect(r.body.toString()).toMatch(/<html/);
  });
});

/** startViewer on the shipped dump, as `mdpost view` calls it, with what a test changes. */
function view(more: Partial<ViewOptions>): Promise<ViewServer> {
  return startViewer({ file: NAFSI_DUMP, read: {}, port: 0, stride: 10, highlight: null, shell: null, cutoffA: null, analysisFile: null, webRoot: defaultWebRoot(), analyze: false, ...more });
}

async function getJson<T>(url: string, path: string): Promise<T> {
  const r = await raw(url, path);
  expect(r.status).toBe(200);
  return JSON.parse(r.body.toString()) as T;
}

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    const s = await p;
    await (s as ViewServer | undefined)?.close?.();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the viewer to refuse to start');
}

describe('mdpost view --analysis FILE', () => {
  /** What `mdpost analyze nafsi-water.lammpstrj.gz --msd Na --rdf Na,O --json` writes. */
  let analysis: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let n = 0;
  /** The analysis, changed by `edit`, written to a file of its own. */
  const analysisFile = (edit: (doc: Record<string, any>) => void = () => {}): string => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const doc = structuredClone(analysis);
    edit(doc);
    return tempFile(`analysis-${n++}.json`, Buffer.from(JSON.stringify(doc), 'utf8'));
  };
  beforeAll(async () => {
    const result = await analyzeFile(specOf(NAFSI_DUMP, { msd: ['Na'], rdf: ['Na,O'] }), { workers: 1 });
    analysis = documentJson(documentOf(result, ANALYSES, '0.1.0'));
    expect(analysis.input).toMatchObject({ file: NAFSI_DUMP, atoms: 1304, frames: 401, first_frame: 0, last_frame: null, stride: 1 });
  });

  it('serves /api/analysis from the file, not from a fresh analysis, and takes the shell radius from its g(r)', async () => {
    // Numbers no analysis of this file gives: seen on the page only if they come from the file.
    const file = analysisFile((doc) => {
      doc.mdpost = 'analysis-from-file';
      doc.msd[0].D.A2_per_ps = 12345.678;
      doc.rdf[0].first_min = { r_A: 2.987654, g: 0.25 };
    });
    const server = await view({ analysisFile: file, analyze: true });
    try {
      const a = await getJson<ViewAnalysis>(server.url, '/api/analysis');
      expect(a.analysis.mdpost).toBe('analysis-from-file');
      expect((a.analysis.msd as { D: { A2_per_ps: number } }[])[0].D.A2_per_ps).toBe(12345.678);
      expect(a.analysis.input).toEqual(analysis.input);
      expect(a.plots.map((p) => p.title)).toEqual(['MSD', 'g(r) Na–O']);
      const info = await getJson<ViewInfo>(server.url, '/api/info');
      expect(info.shell).toEqual({ selection: 'O', cutoffA: 2.987654, source: 'first minimum of the Na–O g(r)' });
      expect(info.notes).toEqual([]);
      expect(server.warnings).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('refuses an analysis of a trajectory with another atom count, naming both files and both counts', async () => {
    const file = analysisFile((doc) => {
      doc.input.file = 'runs/other-box.lammpstrj';
      doc.input.atoms = 1568;
    });
    const e = await rejection(view({ analysisFile: file }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toContain(file);
    expect(e.message).toContain('runs/other-box.lammpstrj');
    expect(e.message).toContain(NAFSI_DUMP);
    expect(e.message).toMatch(/1568 atoms/);
    expect(e.message).toMatch(/1304 atoms/);
  });

  it.each([
    ['truncated JSON', () => tempFile('truncated.json', '{"mdpost": "0.1.0", "input": {'), /not valid JSON/],
    ['a file that is not there', () => join(mkdtempSync(join(tmpdir(), 'mdpost-view-')), 'missing.json'), /cannot read it \(no such file\)/],
    ['a folder', () => mkdtempSync(join(tmpdir(), 'mdpost-view-')), /cannot read it/],
    ['a JSON array', () => tempFile('array.json', '[1, 2]'), /not an mdpost analyze --json document \(the top level is an array/],
    ['JSON without input.atoms', () => tempFile('no-atoms.json', '{"input": {"file": "x.xyz"}, "msd": [], "rdf": []}'), /"input\.atoms" is missing/],
    ['input.atoms not a count', () => tempFile('bad-atoms.json', '{"input": {"atoms": "1304"}}'), /"input\.atoms" is "1304"/],
    ['msd entries of another shape', () => tempFile('bad-msd.json', '{"input": {"atoms": 1304}, "msd": [{"selection": "Na"}], "rdf": []}'), /entries are not those of mdpost analyze --json \(msd\[0\]\.kind: expected text/],
    ['rdf that is not a list', () => tempFile('bad-rdf.json', '{"input": {"atoms": 1304}, "rdf": {"a": "Na"}}'), /entries are not those of mdpost analyze --json \(rdf: expected a list, not an object\)/],
  ])('refuses %s as --analysis with an InputError that names the file', async (_, make, message) => {
    const file = make();
    const e = await rejection(view({ analysisFile: file }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toContain(`--analysis ${file}`);
    expect(e.message).toMatch(message);
  });

  it('warns, and still serves the file, when it was made from a file of another name or with another number of frames', async () => {
    const file = analysisFile((doc) => {
      doc.input.file = '/elsewhere/other-run.lammpstrj.gz';
      doc.input.frames = 200;
      doc.msd[0].D.A2_per_ps = 54321;
    });
    const server = await view({ analysisFile: file });
    try {
      expect(server.warnings).toHaveLength(2);
      expect(server.warnings[0]).toMatch(/made from other-run\.lammpstrj\.gz, not nafsi-water\.lammpstrj\.gz/);
      expect(server.warnings[1]).toContain(`used 200 frames, but ${NAFSI_DUMP} has 401`);
      const info = await getJson<ViewInfo>(server.url, '/api/info');
      expect(info.notes).toEqual(expect.arrayContaining(server.warnings));
      const a = await getJson<ViewAnalysis>(server.url, '/api/analysis');
      expect((a.analysis.msd as { D: { A2_per_ps: number } }[])[0].D.A2_per_ps).toBe(54321);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['every 2nd frame (--stride 2)', { frames: 201, stride: 2 }],
    ['frames up to 99.5 ps (--end)', { frames: 200, last_frame: 199 }],
    ['frames from 50 ps, every 3rd (--begin, --stride)', { frames: 101, first_frame: 100, stride: 3 }],
    ['the uncompressed copy in another folder', { file: 'elsewhere/nafsi-water.lammpstrj' }],
  ])('does not warn about an analysis of %s', async (_, input) => {
    const server = await view({ analysisFile: analysisFile((doc) => Object.assign(doc.input, input)) });
    try {
      expect(server.warnings).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('says how many frames the analysis’s own --begin/--end/--stride would have used when its count differs', async () => {
    const server = await view({ analysisFile: analysisFile((doc) => Object.assign(doc.input, { frames: 150, stride: 2 })) });
    try {
      expect(server.warnings).toHaveLength(1);
      expect(server.warnings[0]).toContain(`used 150 frames, but with its --begin/--end/--stride it would have used 201 of the 401 frames of ${NAFSI_DUMP}`);
    } finally {
      await server.close();
    }
  });

  describe('the command (runView)', () => {
    let stderr: string;
    beforeAll(() => {
      vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
      vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    });
    afterEach(() => {
      stderr = '';
    });
    afterAll(() => {
      vi.restoreAllMocks();
    });

    it('prints each mismatch as "mdpost: warning: …" on stderr', async () => {
      stderr = '';
      const file = analysisFile((doc) => {
        doc.input.file = 'other-run.xyz';
        doc.input.frames = 50;
      });
      await runView(NAFSI_DUMP, { analysis: file, stride: '10' }, () => Promise.resolve());
      const warnings = stderr.split('\n').filter((l) => l.startsWith('mdpost: warning: '));
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(/^mdpost: warning: --analysis .* was made from other-run\.xyz, not nafsi-water\.lammpstrj\.gz/);
      expect(warnings[1]).toMatch(/^mdpost: warning: --analysis .* used 50 frames, but .* has 401/);
      expect(stderr).not.toMatch(/note: --analysis/);
    });

    it('prints no warning for an analysis of the same file', async () => {
      stderr = '';
      await runView(NAFSI_DUMP, { analysis: analysisFile(), stride: '10' }, () => Promise.resolve());
      expect(stderr).not.toMatch(/warning/);
    });

    it('throws an InputError (exit 2 in main) for another atom count before it starts a server', async () => {
      const file = analysisFile((doc) => (doc.input.atoms = 1303));
      const e = await runView(NAFSI_DUMP, { analysis: file }, () => Promise.reject(new Error('must not be reached'))).catch((x: Error) => x);
      expect(e).toBeInstanceOf(InputError);
      expect((e as Error).message).toMatch(/1303 atoms, but .*nafsi-water\.lammpstrj\.gz has 1304 atoms/);
    });
  });
});

describe('mdpost view --highlight SEL', () => {
  /** Frame `index` of the file, read directly. */
  async function fileFrame(index: number): Promise<{ positions: Float64Array; L: number[] }> {
    const reader = await TrajectoryReader.open(NAFSI_DUMP);
    for await (const f of reader.frames()) {
      if (f.index === index) return { positions: f.positions.slice(0, 3 * f.natoms), L: [f.box!.matrix[0], f.box!.matrix[4], f.box!.matrix[8]] };
    }
    throw new Error(`no frame ${index}`);
  }

  it.each([
    // FSI sulfur (LAMMPS type 3), whose first O shell is mostly its own sulfonyl oxygens.
    { highlight: 'type 3', element: 'S', count: 28 },
    // Water oxygens: the O–O shell of water, themselves not counted.
    { highlight: 'O and H2O', element: 'O', count: 388 },
  ])('$highlight: /api/info lists its atoms and /api/shell finds their O neighbours', async ({ highlight, element, count }) => {
    const server = await view({ highlight, cutoffA: 3.3 });
    try {
      const info = await getJson<ViewInfo>(server.url, '/api/info');
      expect(info.highlight.selection).toBe(highlight);
      expect(info.highlight.atoms).toHaveLength(count);
      for (const i of info.highlight.atoms) expect(info.elements[i]).toBe(element);
      expect(info.shell).toMatchObject({ selection: 'O', cutoffA: 3.3 });
      const oxygens = info.elements.flatMap((e, i) => (e === 'O' ? [i] : []));

      const k = 7;
      const shell = await getJson<FrameShell>(server.url, `/api/shell?frame=${k}`);
      expect(shell.perAtom.map((p) => p.atom).sort((a, b) => a - b)).toEqual([...info.highlight.atoms].sort((a, b) => a - b));
      // The same shells by brute force, minimum image in the cubic cell, on the frame as read.
      const { positions, L } = await fileFrame(info.stamps[k].index);
      const d2 = (i: number, j: number) => {
        let s = 0;
        for (let d = 0; d < 3; d++) {
          let x = positions[3 * j + d] - positions[3 * i + d];
          x -= L[d] * Math.round(x / L[d]);
          s += x * x;
        }
        return s;
      };
      let total = 0;
      for (const { atom, neighbours } of shell.perAtom) {
        expect(neighbours).toEqual(oxygens.filter((j) => j !== atom && d2(atom, j) < 3.3 * 3.3));
        total += neighbours.length;
      }
      expect(total).toBeGreaterThan(count);
      expect(shell.shellAtoms).toEqual([...new Set(shell.perAtom.flatMap((p) => p.neighbours))].sort((a, b) => a - b));
    } finally {
      await server.close();
    }
  });

  it('refuses a selection that matches nothing', async () => {
    const e = await rejection(view({ highlight: 'type 9' }));
    expect(e).toBeInstanceOf(InputError);
  });
});
