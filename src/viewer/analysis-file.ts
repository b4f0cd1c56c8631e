import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError } from '../model/errors.js';

/**
 * `mdpost view --analysis FILE`: an `mdpost analyze --json` document shown beside the trajectory
 * instead of a fresh analysis. It must describe the same system: a different atom count means
 * another trajectory (its g(r) and MSD would be drawn next to atoms they do not belong to), so
 * that is refused; a different file name or frame count may be a renamed copy, a stride or a
 * `--frames` part of the same run, so those are only warned about.
 */
export interface AnalysisInput {
  file: string | null;
  atoms: number;
  frames: number | null;
  firstFrame: number;
  lastFrame: number | null;
  stride: number;
}

/** Read and parse the file; anything that is not an analysis document is an input error. */
export async function readAnalysisFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InputError(`--analysis ${path}: cannot read it (${readReason(e)})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(`--analysis ${path}: not valid JSON (${(e as Error).message}); expected the file written by mdpost analyze --json`);
  }
  analysisInput(doc, path);
  return doc as Record<string, unknown>;
}

/** The `input` block of an analysis document, checked for what the viewer relies on. */
export function analysisInput(doc: unknown, path: string): AnalysisInput {
  const notAnalysis = (why: string) => new InputError(`--analysis ${path}: not an mdpost analyze --json document (${why})`);
  if (!isObject(doc)) throw notAnalysis(`the top level is ${Array.isArray(doc) ? 'an array' : doc === null ? 'null' : `a ${typeof doc}`}, not an object`);
  const input = doc.input;
  if (!isObject(input)) throw notAnalysis('it has no "input" object');
  const atoms = input.atoms;
  if (typeof atoms !== 'number' || !Number.isInteger(atoms) || atoms <= 0) throw notAnalysis(`"input.atoms" is ${JSON.stringify(atoms) ?? 'missing'}, not a positive whole number`);
  for (const key of ['msd', 'rdf'] as const) {
    if (doc[key] !== undefined && !Array.isArray(doc[key])) throw notAnalysis(`"${key}" is not an array`);
  }
  const count = (v: unknown, min: number) => (typeof v === 'number' && Number.isInteger(v) && v >= min ? v : null);
  return {
    file: typeof input.file === 'string' ? input.file : null,
    atoms,
    frames: count(input.frames, 0),
    firstFrame: count(input.first_frame, 0) ?? 0,
    lastFrame: count(input.last_frame, 0),
    stride: count(input.stride, 1) ?? 1,
  };
}

/** Refuse an analysis of a trajectory with another number of atoms. */
export function checkAnalysisAtoms(doc: Record<string, unknown>, path: string, viewed: string, natoms: number): void {
  const input = analysisInput(doc, path);
  if (input.atoms === natoms) return;
  const from = input.file ? `of ${input.file}` : 'of an unnamed file';
  throw new InputError(
    `--analysis ${path} is an analysis ${from} with ${input.atoms} atoms, but ${viewed} has ${natoms} atoms: it belongs to another trajectory; ` +
      `run mdpost analyze on ${viewed} (or leave out --analysis to analyse it now)`,
  );
}

/** Warnings for an analysis whose file name or frame count does not match the viewed file. */
export function analysisWarnings(doc: Record<string, unknown>, path: string, viewed: string, fileFrames: number): string[] {
  const input = analysisInput(doc, path);
  const warnings: string[] = [];
  if (input.file !== null && sameName(input.file) !== sameName(viewed)) {
    warnings.push(`--analysis ${path} was made from ${basename(input.file)}, not ${basename(viewed)}; make sure it is an analysis of the same run`);
  }
  if (input.frames !== null) {
    // The analysis says which frames it used (--begin/--end/--stride): that many of this file's frames.
    const last = Math.min(input.lastFrame ?? fileFrames - 1, fileFrames - 1);
    const expected = last >= input.firstFrame ? Math.floor((last - input.firstFrame) / input.stride) + 1 : 0;
    if (input.frames !== expected) {
      const chosen = input.firstFrame > 0 || input.lastFrame !== null || input.stride > 1;
      const mismatch = chosen
        ? `used ${input.frames} frames, but with its --begin/--end/--stride it would have used ${expected} of the ${fileFrames} frames of ${viewed}`
        : `used ${input.frames} frames, but ${viewed} has ${fileFrames}`;
      warnings.push(`--analysis ${path} ${mismatch}; it may be an analysis of a part of the run (--frames) or of another run`);
    }
  }
  return warnings;
}

/** A file's base name without a trailing .gz: a compressed copy is the same trajectory. */
function sameName(file: string): string {
  return basename(file).replace(/\.gz$/i, '');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    EISDIR: 'it is a folder',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOTDIR: 'a part of the path is not a folder',
  };
  return (code && reasons[code]) ?? (e as Error)?.message ?? String(e);
}
