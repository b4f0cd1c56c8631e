import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join, resolve, sep } from 'node:path';
import { availableParallelism } from 'node:os';
import { ANALYSES } from '../analyses/index.js';
import { rdfAnalysis } from '../analyses/rdf.js';
import { TrajectoryReader } from '../io/reader.js';
import { isFreeCation } from '../model/elements.js';
import { InputError } from '../model/errors.js';
import { packageRoot } from '../package-files.js';
import type { Topology } from '../model/frame.js';
import type { RawOptions } from '../pipeline/options.js';
import { readerOptions } from '../pipeline/plan.js';
import { readSpecFromOptions, specFromOptions } from '../pipeline/spec.js';
import { resolveTopology } from '../pipeline/topology.js';
import { documentJson, documentOf, section, sectionsOf, type AnalysisDocument } from '../report/document.js';
import { analyzeFile } from '../run/analyze-file.js';
import { MOLECULE_ALIASES } from '../select/formula.js';
import { findMolecules, type Molecules } from '../select/molecules.js';
import { select } from '../select/selection.js';
import { analysisWarnings, checkAnalysisAtoms, readAnalysisFile } from './analysis-file.js';
import { analysisSolvation } from './analysis-solvation.js';
import type { AtomInfo, FrameShell, Measurement, SelectionAnswer, ViewAnalysis, ViewInfo } from './api.js';
import { writeDcd } from './dcd.js';
import { framePdb, frameXyz, type FrameExport } from './export.js';
import { DEFAULT_LIMITS, loadViewFrames, type ViewFrames } from './frames.js';
import { moleculeKinds } from './kinds.js';
import { MinimumImage } from './measure.js';
import { PDB_MAX_ATOMS, writePdb } from './pdb.js';
import { frameShell } from './shell.js';
import { defaultShellAtoms, SolvationView, type SolvationRequest, type SolvationSystem } from './solvation.js';

/**
 * `mdpost view`: a small HTTP server on the loopback interface that serves the viewer page
 * (web/, built into dist/web) and the trajectory as Mol* reads it — a PDB topology with the cell
 * and bonds, and the frames as DCD — plus the first coordination shell of the highlighted atoms
 * per frame and an analysis of the same file. It serves nothing else: any other path is a 404,
 * paths escaping the page's folder are refused, and malformed requests get a 4xx.
 */
export interface ViewOptions {
  file: string;
  /** Reading options as the command takes them (format, box, typeMap, dt, timestep). */
  read: RawOptions;
  port: number;
  stride: number;
  highlight: string | null;
  shell: string | null;
  cutoffA: number | null;
  /** An `mdpost analyze --json` document of the same trajectory, shown instead of a fresh analysis. */
  analysisFile: string | null;
  webRoot: string;
  /** Skip the analysis at start (tests that only need frames). */
  analyze?: boolean;
}

export interface ViewServer {
  url: string;
  info: ViewInfo;
  /**
   * What the user should know before trusting the page: a --analysis file with another file name
   * or frame count than the viewed file. They are among `info.notes` too, for the page.
   */
  warnings: string[];
  close(): Promise<void>;
}

/** The built page: dist/web in the package. */
export function defaultWebRoot(): string {
  return join(packageRoot(), 'dist/web');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

export async function startViewer(opts: ViewOptions): Promise<ViewServer> {
  const webRoot = await realpath(opts.webRoot).catch(() => {
    throw new InputError(`the viewer page is not built (${opts.webRoot} is missing); run npm run build`);
  });
  // The reading options, checked as an analysis of the file checks them.
  const read = readSpecFromOptions(opts.read);
  // First frame: topology, molecules and the selections.
  const head = await TrajectoryReader.open(opts.file, readerOptions(read));
  let top: Topology | null = null;
  let firstPositions = new Float64Array(0);
  let firstBox = null;
  let natoms = 0;
  for await (const f of head.frames()) {
    top = head.topology;
    natoms = f.natoms;
    firstPositions = f.positions.slice(0, 3 * f.natoms);
    firstBox = f.box;
    break;
  }
  if (!top) throw new InputError(`${opts.file}: no complete frame to show`);
  // With a topology file (--topology), its names, residues, elements and bonds, checked against the trajectory.
  const resolved = await resolveTopology({ file: opts.file, read }, top);
  const topology = resolved.topology;
  if (!topology.elements && !topology.types) {
    throw new InputError(`${opts.file}: the file says nothing of its atoms (no elements, names or types); give --topology with a GRO, PDB or LAMMPS data file`);
  }
  // A given analysis must be of this trajectory: checked before the long work of reading all frames.
  let analysis: AnalysisDocument | null = null;
  if (opts.analysisFile) {
    analysis = await readAnalysisFile(opts.analysisFile);
    checkAnalysisAtoms(analysis, opts.analysisFile, opts.file, natoms);
  }
  let mols: Molecules | null = null;
  const molecules = () => (mols ??= findMolecules(topology, firstPositions, firstBox, resolved.molIdsFrom === 'topology file' ? 'topology mol ids' : 'mol column'));
  const ctx = { topology, molecules };
  const highlightText = opts.highlight ?? defaultHighlight(topology);
  const highlight = select(highlightText, ctx).atoms;
  const shellText = opts.shell ?? defaultShell(topology, highlightText);
  const shellAtoms = select(shellText, ctx).atoms;

  // The analysis beside the viewer: given (read above), or run now on the same file.
  const notes: string[] = [...resolved.notes];
  if (!analysis && opts.analyze !== false) {
    const asked = { ...opts.read, rdf: [`${highlightText},${shellText}`] };
    try {
      const withMsd = await analyzeFile(specFromOptions(opts.file, { ...asked, msd: [highlightText] }, ANALYSES), { workers: availableParallelism() }).catch(() => null);
      const result = withMsd ?? (await analyzeFile(specFromOptions(opts.file, asked, ANALYSES), { workers: availableParallelism() }));
      analysis = documentOf(result, ANALYSES, 'view');
    } catch (e) {
      notes.push(`no analysis: ${(e as Error).message}`);
    }
  }
  const fromRdf = shellCutoff(analysis, highlightText, shellText);
  const cutoffA = opts.cutoffA ?? fromRdf ?? 3.2;
  const cutoffSource = opts.cutoffA !== null ? '--cutoff' : fromRdf !== null ? `first minimum of the ${highlightText}–${shellText} g(r)` : 'default 3.2 Å (no g(r) minimum found)';
  // The analysis's solvation section, read from the JSON itself: the viewer uses it whether or
  // not this build's registry reads it back.
  const analysisJson = analysis ? documentJson(analysis) as Record<string, unknown> : null;
  if (analysisJson && opts.analysisFile && !('solvation' in analysisJson)) {
    const raw = JSON.parse(await readFile(opts.analysisFile, 'utf8')) as Record<string, unknown>;
    if ('solvation' in raw) analysisJson.solvation = raw.solvation;
  }
  const solvationEntries = analysisSolvation(analysisJson);
  // Plots of a given file are made now, so a malformed one is refused before the frames are read.
  const viewAnalysis: ViewAnalysis | null = analysis && analysisJson ? { analysis: analysisJson, plots: plotsOf(analysis) } : null;

  const frames: ViewFrames = await loadViewFrames(opts.file, readerOptions(read), { ...DEFAULT_LIMITS, stride: opts.stride }, () => molecules());
  notes.push(...frames.notes);
  const warnings = analysis && opts.analysisFile ? analysisWarnings(analysis, opts.analysisFile, opts.file, frames.fileFrames) : [];
  notes.push(...warnings);
  if (frames.natoms > PDB_MAX_ATOMS) throw new InputError(`${opts.file}: ${frames.natoms} atoms; the viewer's PDB topology holds at most ${PDB_MAX_ATOMS}`);
  const m = molecules();
  const names = moleculeNames(m);
  const pdb = writePdb({ elements: topology.elements ?? Array.from(topology.types!, (t) => `X${t}`), positions: frames.positions[0], box: frames.boxes[0], residueOf: m.ofAtom, residueNames: names, bonds: m.bonds, title: `mdpost view ${opts.file}` });
  const times = frames.stamps.map((st) => st.timePs);
  const dtPs = times.length > 1 && times[0] !== null && times[1] !== null ? times[1]! - times[0]! : read.dtPs ? read.dtPs * frames.stride : null;
  const dcd = writeDcd(frames.positions.map((p, k) => ({ positions: p, box: frames.boxes[k] })), frames.natoms, dtPs, `mdpost view ${opts.file}`);
  const info: ViewInfo = {
    file: opts.file,
    format: head.format,
    natoms: frames.natoms,
    frames: frames.positions.length,
    stride: frames.stride,
    fileFrames: frames.fileFrames,
    stamps: frames.stamps,
    elements: topology.elements ?? Array.from(topology.types!, (t) => `type ${t}`),
    highlight: { selection: highlightText, atoms: Array.from(highlight) },
    shell: { selection: shellText, cutoffA, source: cutoffSource },
    notes,
    solvation: {
      ions: highlightText,
      shell: opts.shell ?? solvationEntries.find((e) => e.cation === highlightText && !e.shellDefault && e.shellAtoms !== null)?.shellAtoms ?? defaultShellAtoms(topology, highlightText),
      cutoff: opts.cutoffA !== null ? String(opts.cutoffA) : '',
    },
  };
  const elementNames = topology.elements ?? Array.from(topology.types!, (t) => `X${t}`);
  const system: SolvationSystem = { topology, molecules: m, kinds: moleculeKinds(m), raw: frames.raw, boxes: frames.rawBoxes, timesPs: times, analysis: solvationEntries };
  const exportOf: FrameExport = { elements: elementNames, topology, molecules: m, residueNames: names, file: opts.file };
  // Solvation views by request, the few most recent kept (each holds its shells' search state).
  const views = new Map<string, SolvationView>();
  const solvationOf = (req: SolvationRequest): SolvationView => {
    const key = JSON.stringify([req.ions, req.shell, req.cutoff]);
    let v = views.get(key);
    if (v) views.delete(key);
    else v = SolvationView.create(system, req);
    views.set(key, v);
    if (views.size > 8) views.delete(views.keys().next().value!);
    return v;
  };
  // The page's defaults, tried now: what is wrong with them is said at start, not on first use.
  try {
    solvationOf(info.solvation);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    notes.push(`solvation shells: ${e.message}`);
  }
  const download = (k: number, ext: string) => `${basename(opts.file).replace(/\.gz$/i, '').replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'frame'}-frame${k}.${ext}`;
  const shownFrame = (k: number) => ({ positions: frames.raw[k], box: frames.rawBoxes[k], step: frames.stamps[k].step, timePs: frames.stamps[k].timePs, index: frames.stamps[k].index });
  const shells = new Map<number, FrameShell>();
  const shellOf = (k: number) => {
    let s = shells.get(k);
    if (!s) {
      s = frameShell(k, frames.raw[k], frames.rawBoxes[k], highlight, shellAtoms, cutoffA);
      shells.set(k, s);
    }
    return s;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
      else res.destroy();
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'only GET and HEAD\n', { Allow: 'GET, HEAD' });
    let url: URL;
    let path: string;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
      path = decodeURIComponent(url.pathname);
    } catch {
      return send(res, 400, 'text/plain', 'malformed request\n');
    }
    if (path.includes('\0') || path.split('/').includes('..') || path.includes('\\')) return send(res, 400, 'text/plain', 'refused path\n');
    if (path.startsWith('/api/')) {
      try {
        if (apiRoute(path, url.searchParams, res)) return;
      } catch (e) {
        if (e instanceof InputError) return send(res, 400, 'text/plain', `mdpost: error: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
        throw e;
      }
    }
    switch (path) {
      case '/api/info':
        return send(res, 200, 'application/json', JSON.stringify(info));
      case '/api/topology.pdb':
        return send(res, 200, 'chemical/x-pdb', pdb);
      case '/api/trajectory.dcd':
        return send(res, 200, 'application/octet-stream', dcd);
      case '/api/analysis':
        return viewAnalysis ? send(res, 200, 'application/json', JSON.stringify(viewAnalysis)) : send(res, 404, 'text/plain', 'no analysis\n');
      case '/api/shell': {
        const k = Number(url.searchParams.get('frame'));
        if (!Number.isInteger(k) || k < 0 || k >= frames.positions.length) return send(res, 400, 'text/plain', `frame must be an integer 0…${frames.positions.length - 1}\n`);
        return send(res, 200, 'application/json', JSON.stringify(shellOf(k)));
      }
    }
    if (path.startsWith('/api/')) return send(res, 404, 'text/plain', 'not found\n');
    // The page's own files, and nothing outside its folder.
    const rel = path === '/' ? 'index.html' : path.slice(1);
    const full = resolve(webRoot, rel);
    if (!full.startsWith(webRoot + sep)) return send(res, 400, 'text/plain', 'refused path\n');
    let real: string;
    try {
      real = await realpath(full);
      if (!real.startsWith(webRoot + sep) || !(await stat(real)).isFile()) throw new Error('not a file');
    } catch {
      return send(res, 404, 'text/plain', 'not found\n');
    }
    return send(res, 200, TYPES[extname(real)] ?? 'application/octet-stream', await readFile(real));
  };

  /** The API of the page's controls: true when it answered, false for a path it does not serve. Bad parameters throw InputError. */
  const apiRoute = (path: string, q: URLSearchParams, res: ServerResponse): boolean => {
    const json = (body: unknown) => {
      send(res, 200, 'application/json', JSON.stringify(body));
      return true;
    };
    const frameParam = () => frameIndex(q.get('frame'), frames.positions.length);
    const solvationRequest = (): SolvationRequest => ({
      ions: textParam(q, 'ions') || info.solvation.ions,
      shell: textParam(q, 'shell') || info.solvation.shell,
      cutoff: textParam(q, 'cutoff') ?? info.solvation.cutoff,
    });
    switch (path) {
      case '/api/select': {
        const text = textParam(q, 'text');
        if (!text) throw new InputError('select: give the selection as ?text=…');
        const sel = select(text, ctx);
        const answer: SelectionAnswer = { selection: sel.text, atoms: Array.from(sel.atoms), kind: sel.kind, cations: topology.elements !== null && Array.from(sel.atoms).every((i) => isFreeCation(topology.elements![i])) };
        return json(answer);
      }
      case '/api/atom': {
        const i = atomIndex(q.get('index'), natoms, 'index');
        const mol = m.ofAtom[i];
        const kinds = system.kinds;
        const answer: AtomInfo = {
          index: i,
          element: topology.elements?.[i] ?? null,
          type: topology.types ? topology.types[i] : null,
          name: topology.names?.[i] ?? null,
          resname: topology.resnames?.[i] ?? null,
          resid: (topology.resids ?? topology.molIds)?.[i] ?? null,
          molecule: { index: mol, formula: m.formula[mol], kind: kinds.names[kinds.ofMolecule[mol]], atoms: m.start[mol + 1] - m.start[mol] },
        };
        return json(answer);
      }
      case '/api/measure': {
        const k = frameParam();
        const list = (q.get('atoms') ?? '').split(',').filter((t) => t !== '');
        if (list.length < 2 || list.length > 3) throw new InputError('measure: give two atoms (a distance) or three (an angle) as ?atoms=I,J[,K]');
        const atoms = list.map((t) => atomIndex(t, natoms, 'atoms'));
        const image = new MinimumImage(frames.rawBoxes[k]);
        const p = frames.raw[k];
        const answer: Measurement = {
          frame: k,
          atoms,
          distancesA: atoms.slice(1).map((j, n) => image.distance(p, atoms[n], j)),
          angleDeg: atoms.length === 3 ? image.angle(p, atoms[0], atoms[1], atoms[2]) : null,
        };
        return json(answer);
      }
      case '/api/frame.pdb':
      case '/api/frame.xyz': {
        const k = frameParam();
        const pdbFile = path.endsWith('.pdb');
        const text = pdbFile ? framePdb(exportOf, shownFrame(k)) : frameXyz(exportOf, shownFrame(k));
        send(res, 200, pdbFile ? 'chemical/x-pdb' : 'chemical/x-xyz', text, { 'Content-Disposition': `attachment; filename="${download(k, pdbFile ? 'pdb' : 'xyz')}"` });
        return true;
      }
      case '/api/solvation/setup':
        return json(solvationOf(solvationRequest()).setup);
      case '/api/solvation/frame': {
        const k = frameParam();
        return json(solvationOf(solvationRequest()).frame(k));
      }
      case '/api/solvation/timeline':
        return json(solvationOf(solvationRequest()).timeline());
    }
    return false;
  };

  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(e.code === 'EADDRINUSE' ? new InputError(`port ${opts.port} is in use; give another --port, or none for a free one`) : e),
    );
    server.listen(opts.port, '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    info,
    warnings,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': bytes.length, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : bytes);
}

/** Longest selection or cutoff text a request may carry. */
const MAX_PARAM = 2000;

/** A text parameter: null when absent; refused when too long to be a selection. */
function textParam(q: URLSearchParams, name: string): string | null {
  const v = q.get(name);
  if (v === null) return null;
  if (v.length > MAX_PARAM) throw new InputError(`${name}: ${v.length} characters; at most ${MAX_PARAM}`);
  return v.trim();
}

/** A view frame number, 0 … frames − 1, written as digits. */
function frameIndex(text: string | null, frames: number): number {
  const k = text !== null && /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(k >= 0 && k < frames)) throw new InputError(`frame ${JSON.stringify(text ?? '')}: expected a frame number 0…${frames - 1}`);
  return k;
}

/** A 0-based atom index, written as digits. */
function atomIndex(text: string | null, natoms: number, what: string): number {
  const i = text !== null && /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(i >= 0 && i < natoms)) throw new InputError(`${what} ${JSON.stringify(text ?? '')}: expected an atom index 0…${natoms - 1}`);
  return i;
}

/** The cation to highlight by default: the first free cation element in the file. */
function defaultHighlight(top: Topology): string {
  const el = top.elements?.find(isFreeCation);
  if (el) return el;
  if (top.elements) return top.elements[0];
  return `type ${top.types![0]}`;
}

/** What counts as a shell atom by default: oxygens when there are any, otherwise heavy atoms other than the highlighted ones. */
function defaultShell(top: Topology, highlight: string): string {
  if (top.elements?.includes('O')) return 'O';
  return `not H and not (${highlight})`;
}

/** The first minimum of the highlight–shell g(r) of the analysis (or of the highlight's first pair). */
function shellCutoff(analysis: AnalysisDocument | null, a: string, b: string): number | null {
  const rdf = analysis ? (section(analysis, rdfAnalysis) ?? []) : [];
  const pair = rdf.find((r) => r.a === a && r.b === b) ?? rdf.find((r) => r.a === a);
  const r = pair?.first_min?.r_A;
  return typeof r === 'number' && Number.isFinite(r) && r > 0 ? r : null;
}

/** Residue names: the usual name of a known molecule (FSI, H2O → HOH), else the formula, three characters. */
function moleculeNames(m: Molecules): string[] {
  const byFormula = new Map(Object.entries(MOLECULE_ALIASES).map(([alias, v]) => [v.formula, alias === 'H2O' ? 'HOH' : alias.toUpperCase()]));
  return m.formula.map((f) => (byFormula.get(f) ?? f).slice(0, 3));
}

/** Every analysis's plots of the document, as the report draws them. */
function plotsOf(analysis: AnalysisDocument): ViewAnalysis['plots'] {
  return sectionsOf(analysis, ANALYSES).flatMap(({ analysis: a, section: sec }) =>
    (a.document.plots?.(sec) ?? []).map((p) => ({ title: p.label, spec: p.spec as unknown as Record<string, unknown> })),
  );
}
