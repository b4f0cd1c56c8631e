import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { glob } from 'tinyglobby';
import { parseTemperatureK } from '../analyses/conductivity.js';
import { ANALYSES } from '../analyses/index.js';
import { InputError } from '../model/errors.js';
import { parseOptions, type RawOptions } from '../pipeline/options.js';
import { analysisOptionDecls, specFromOptions, type AnalysisSpec } from '../pipeline/spec.js';

/**
 * A batch: many trajectories (concentrations, temperatures, repeats), each analysed as
 * `mdpost analyze` would. A job file lists files or globs with per-file options:
 *
 *   {
 *     "defaults": { "msd": ["Na", "FSI"], "rdf": ["Na,O"], "timestep": "1fs" },
 *     "runs": [
 *       { "files": "runs/T*\/dump.lammpstrj", "temperature": 300 },
 *       { "file": "runs/hot/dump.lammpstrj.gz", "temperature": 350, "label": "350 K, repeat 2" },
 *       { "file": "huge/dump.lammpstrj", "parts": 4 }
 *     ]
 *   }
 *
 * Option keys are the `analyze` flags in camelCase (msd, rdf as "A,B", dt, timestep, box,
 * typeMap, fit, begin, end, stride, rmax, bins, removeDrift, format — whatever the option
 * schema offers to batch). Paths are relative to the job file. "parts": N cuts one trajectory
 * into N frame ranges that can run on N machines.
 */
export interface JobOptions extends RawOptions {
  parts?: number;
}

export interface JobRun extends JobOptions {
  file?: string;
  files?: string;
  label?: string;
  temperature?: number;
}

export interface JobFile {
  defaults?: JobOptions;
  runs: JobRun[];
}

/** One unit of work: a file (or one part of a file split into frame ranges). */
export interface BatchEntry {
  /** Position in the job, which orders the summary. */
  index: number;
  /** Folder name of its results. */
  id: string;
  file: string;
  label: string;
  temperatureK: number | null;
  spec: AnalysisSpec;
  /** For a file split into parts: which part, of how many (the frame range is decided when it runs). */
  part: { k: number; n: number } | null;
}

/** The analysis options a job file may give (the schema's, offered to batch), and its own keys. */
export function jobOptionKeys(): string[] {
  return [...analysisOptionDecls(ANALYSES).filter((d) => d.commands.includes('batch')).map((d) => d.key), 'parts'];
}
const RUN_ONLY_KEYS = ['file', 'files', 'label', 'temperature'];

export async function readJobFile(path: string): Promise<{ job: JobFile; baseDir: string }> {
  let job: JobFile;
  try {
    job = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: ${code === 'ENOENT' ? 'no such file' : `not valid JSON (${(e as Error).message})`}`);
  }
  validateJob(job, path);
  return { job, baseDir: dirname(resolve(path)) };
}

function validateJob(job: JobFile, path: string): void {
  if (!job || typeof job !== 'object' || !Array.isArray(job.runs) || job.runs.length === 0) {
    throw new InputError(`${path}: a job file needs "runs": [ { "file" or "files": …, options … }, … ]`);
  }
  const optionKeys = jobOptionKeys();
  const check = (o: Record<string, unknown>, where: string, keys: string[]) => {
    for (const k of Object.keys(o)) if (!keys.includes(k)) throw new InputError(`${path}: ${where}: unknown key ${JSON.stringify(k)} (known: ${keys.join(', ')})`);
    if (o.temperature !== undefined && !(typeof o.temperature === 'number' && o.temperature > 0)) throw new InputError(`${path}: ${where}: "temperature" must be a positive number (K)`);
    if (o.parts !== undefined && !(Number.isInteger(o.parts) && (o.parts as number) >= 1)) throw new InputError(`${path}: ${where}: "parts" must be a positive integer`);
  };
  const decls = analysisOptionDecls(ANALYSES).filter((d) => d.commands.includes('batch'));
  // Each option's value is parsed now, so a bad one is reported with its place in the job file.
  const parse = (o: Record<string, unknown>, where: string) => {
    const { parts: _parts, file: _file, files: _files, label: _label, temperature: _t, ...options } = o;
    parseOptions(decls, options, `${path}: ${where}`);
  };
  if (job.defaults) {
    check(job.defaults as Record<string, unknown>, 'defaults', optionKeys);
    parse(job.defaults as Record<string, unknown>, 'defaults');
  }
  job.runs.forEach((r, k) => {
    check(r as Record<string, unknown>, `runs[${k}]`, [...optionKeys, ...RUN_ONLY_KEYS]);
    parse(r as Record<string, unknown>, `runs[${k}]`);
    if ((r.file === undefined) === (r.files === undefined)) throw new InputError(`${path}: runs[${k}]: give exactly one of "file" or "files" (a glob)`);
  });
}

/**
 * The job's entries in order: globs expanded (sorted), options merged, specs built. A run's
 * temperature (its own, the defaults', or `temperatureOf` its file: --temperature-from) is also
 * the `temperature` option of its analyses (the conductivity, the Yeh–Hummer correction).
 */
export async function expandJob(job: JobFile, baseDir: string, where = 'job', temperatureOf?: (file: string) => number): Promise<BatchEntry[]> {
  const entries: BatchEntry[] = [];
  const ids = new Set<string>();
  for (const [k, run] of job.runs.entries()) {
    const files = run.file !== undefined ? [resolveFrom(baseDir, run.file)] : (await glob(run.files!, { cwd: baseDir, absolute: true, onlyFiles: true })).sort();
    if (files.length === 0) throw new InputError(`${where}: runs[${k}]: "${run.files}" matches no file (relative to ${baseDir})`);
    const given = run.temperature ?? job.defaults?.temperature;
    const runTemperature = given === undefined ? null : typeof given === 'number' ? given : parseTemperatureK(String(given), `${where}: runs[${k}]: temperature`);
    const options: JobOptions = { ...job.defaults, ...pick(run) };
    // A topology file is named relative to the job file, as the trajectories are.
    if (typeof options.topology === 'string') options.topology = resolveFrom(baseDir, options.topology);
    for (const file of files) {
      const temperatureK = temperatureOf ? temperatureOf(file) : runTemperature;
      const rel = relative(baseDir, file);
      // A run's folder is named for its label when it has one ("300 K" → 300-K), else for its path.
      const baseId = uniqueId(run.label !== undefined && files.length === 1 ? labelId(run.label) : slugPath(rel), ids);
      const parts = options.parts ?? 1;
      const { parts: _parts, temperature: _t, ...rest } = options;
      const analysisOptions = temperatureK === null ? rest : { ...rest, temperature: String(temperatureK) };
      const spec = specOfRun(file, analysisOptions, `${where}: runs[${k}]`);
      const label = run.label ?? rel;
      for (let p = 0; p < parts; p++) {
        entries.push({
          index: entries.length,
          id: parts > 1 ? `${baseId}.part-${p + 1}-of-${parts}` : baseId,
          file,
          label,
          temperatureK,
          spec,
          part: parts > 1 ? { k: p, n: parts } : null,
        });
      }
    }
  }
  return entries;
}

/** A run's spec; an analysis's refusal of its options names the run, as a bad value does. */
function specOfRun(file: string, options: JobOptions, where: string): AnalysisSpec {
  try {
    return specFromOptions(file, options, ANALYSES, where);
  } catch (e) {
    if (e instanceof InputError && !e.message.startsWith(where)) throw new InputError(`${where}: ${e.message}`);
    throw e;
  }
}

function pick(run: JobRun): JobOptions {
  const o: Record<string, unknown> = { ...run };
  for (const k of ['file', 'files', 'label', 'temperature']) delete o[k];
  return o as JobOptions;
}

function resolveFrom(base: string, p: string): string {
  return isAbsolute(p) ? p : resolve(base, p);
}

/** A folder name from a path: its segments joined by "_", without the "../" that lead outside the job's folder. */
function slugPath(p: string): string {
  const segments = p.split(/[\\/]+/).filter((s) => s !== '' && s !== '.' && s !== '..');
  return segments.join('_').replace(/[^A-Za-z0-9._+-]+/g, '_').replace(/^[._]+|_+$/g, '') || 'run';
}

/** A folder name from a label: "300 K, repeat 2" → 300-K-repeat-2. */
function labelId(label: string): string {
  return label.replace(/[^A-Za-z0-9.+]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'run';
}

function uniqueId(id: string, taken: Set<string>): string {
  let out = id;
  for (let k = 2; taken.has(out); k++) out = `${id}~${k}`;
  taken.add(out);
  return out;
}

/** What makes a result up to date: the file as it is (size and modification time), the options, and mdpost's version. */
export async function entryFingerprint(e: BatchEntry, version: string): Promise<string> {
  const st = await stat(e.file).catch(() => null);
  const h = createHash('sha256');
  h.update(JSON.stringify({ size: st?.size ?? null, mtime: st?.mtimeMs ?? null, spec: { ...e.spec, file: undefined }, part: e.part, version }));
  return h.digest('hex').slice(0, 16);
}

/** Entries of shard i (1-based) of n: every n-th, so that parts of a big file spread over shards. */
export function shardOf<T extends { index: number }>(entries: T[], shard: { i: number; n: number } | null): T[] {
  return shard ? entries.filter((e) => e.index % shard.n === shard.i - 1) : entries;
}

export function parseShard(text: string): { i: number; n: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const i = m ? Number(m[1]) : NaN, n = m ? Number(m[2]) : NaN;
  if (!m || !(n >= 1) || !(i >= 1 && i <= n)) throw new InputError(`--shard: expected I/N with 1 ≤ I ≤ N, e.g. 2/3, not ${JSON.stringify(text)}`);
  return { i, n };
}
