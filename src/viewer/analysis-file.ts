import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ANALYSES } from '../analyses/index.js';
import { InputError } from '../model/errors.js';
import { readDocument, type AnalysisDocument } from '../report/document.js';

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

/** Read, parse and check the file; anything that is not an analysis document is an input error. */
export async function readAnalysisFile(path: string): Promise<AnalysisDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InputError(`--analysis ${path}: cannot read it (${readReason(e)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`--analysis ${path}: not valid JSON (${(e as Error).message}); expected the file written by mdpost analyze --json`);
  }
  analysisInput(raw, path);
  try {
    return readDocument(raw, ANALYSES, `--analysis ${path}`);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new InputError(`--analysis ${path}: its entries are not those of mdpost analyze --json (${e.message.replace(`--analysis ${path}: `, '')})`);
  }
}

/** The `input` block of an analysis document, checked for what the viewer relies on. */
export function analysisInput(doc: unknown, path: string): AnalysisInput {
  const notAnalysis = (why: string) => new InputError(`--analysis ${path}: not an mdpost analyze --json document (${why})`);
  if (!isObject(doc)) throw notAnalysis(`the top level is ${Array.isArray(doc) ? 'an array' : doc === null ? 'null' : `a ${typeof doc}`}, not an object`);
  const input = doc.input;
  if (!isObject(input)) throw notAnalysis('it has no "input" object');
  const atoms = input.atoms;
  if (typeof atoms !== 'number' || !Number.isInteger(atoms) || atoms <= 0) throw notAnalysis(`"input.atoms" is ${JSON.stringify(atoms) ?? 'missing'}, not a positive whole number`);
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
export function checkAnalysisAtoms(doc: AnalysisDocument, path: string, viewed: string, natoms: number): void {
  if (doc.input.atoms === natoms) return;
  const from = doc.input.file ? `of ${doc.input.file}` : 'of an unnamed file';
  throw new InputError(
    `--analysis ${path} is an analysis ${from} with ${doc.input.atoms} atoms, but ${viewed} has ${natoms} atoms: it belongs to another trajectory; ` +
      `run mdpost analyze on ${viewed} (or leave out --analysis to analyse it now)`,
  );
}

/** Warnings for an analysis whose file name or frame count does not match the viewed file. */
export function analysisWarnings(doc: AnalysisDocument, path: string, viewed: string, fileFrames: number): string[] {
  const input = doc.input;
  const warnings: string[] = [];
  if (input.file !== '' && sameName(input.file) !== sameName(viewed)) {
    warnings.push(`--analysis ${path} was made from ${basename(input.file)}, not ${basename(viewed)}; make sure it is an analysis of the same run`);
  }
  if (input.frames > 0) {
    // The analysis says which frames it used (--begin/--end/--stride): that many of this file's frames.
    const last = Math.min(input.last_frame ?? fileFrames - 1, fileFrames - 1);
    const expected = last >= input.first_frame ? Math.floor((last - input.first_frame) / input.stride) + 1 : 0;
    if (input.frames !== expected) {
      const chosen = input.first_frame > 0 || input.last_frame !== null || input.stride > 1;
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
