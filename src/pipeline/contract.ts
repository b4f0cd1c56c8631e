import type { TopLevelSpec } from 'vega-lite';
import type { Frame, Topology } from '../model/frame.js';
import type { Selection } from '../select/selection.js';
import type { OptionDecl, ParsedOptions, RawOptions } from './options.js';

/**
 * The analysis contract: every analysis mdpost runs is one module of this shape, listed once in
 * the registry (src/analyses/index.ts). It is MDAnalysis' `_prepare / _single_frame / _conclude`
 * made explicit, with the two things a run split across threads and machines needs besides:
 * a pure `merge` of the states of two consecutive ranges of frames, and `encode`/`decode` of a
 * state as plain data (typed arrays allowed) for worker threads and `.mdstate` files.
 *
 *   configure(options)          → Config | null   the options it declares, checked; null: not asked for
 *   prepare(config, context)    → Prepared        decided from the first frame (selections, binning), or from a
 *                                                 sample of the first frames (a g(r) that sets a cutoff); plain data
 *   create(prepared)            → State           an empty state
 *   add(prepared, state, frame)                   one used frame folded in (mutates the state)
 *   merge(prepared, a, b, join) → State           a's frames, then b's; a and b are left unchanged
 *   encode(state) / decode(prepared, wire)        plain data and back
 *   finish(prepared, state, env)→ Result          the numbers
 *   document                                      the JSON section, and what the reports make of it
 *
 * Folding, merging, finishing, state files, worker tasks and every report loop over the registry;
 * none of them names an analysis.
 */
export interface Analysis<Config = unknown, Prepared = unknown, State = unknown, Result = unknown, Section = unknown> {
  /** The key of its options and results (and, by default, of its JSON section). */
  readonly key: string;
  /** What it computes, for help texts. */
  readonly title: string;
  /** The options it declares (each declared once across all analyses and the input options). */
  readonly options: readonly OptionDecl[];
  /** Analyses whose results `finish` reads (they finish first). */
  readonly after?: readonly string[];
  /**
   * False for an analysis that only adds to others (drift removal, t⁺): asked for alone it is
   * nothing to compute.
   */
  readonly standalone?: boolean;
  /** True when its results depend on the time between frames: frames must then be evenly spaced. */
  readonly needsTime?: boolean;
  /**
   * Options that ask for it on the shipped NaFSI/water trajectory: the contract test runs every
   * registered analysis with them (fold in parts and merge, encode/decode, 1–3 workers).
   */
  readonly example: RawOptions;

  configure(options: ParsedOptions): Config | null;
  /** Synchronous for most; a promise for an analysis that reads a sample of frames (`context.sample`). */
  prepare(config: Config, context: PrepareContext): Prepared | Promise<Prepared>;
  /** Whether `add` needs unwrapped positions (MSD-like analyses do). */
  needsUnwrapped(prepared: Prepared): boolean;
  /**
   * The atoms whose unwrapped positions `add` reads (the rest may be stale): unwrapping a few
   * ions of a large box then costs a few ions' worth. In any order, repeats allowed (the plan
   * joins the lists of all analyses). Absent, or null: all atoms.
   */
  unwrappedAtoms?(prepared: Prepared): Int32Array | null;
  /**
   * The atoms whose positions (wrapped or unwrapped) `add` reads; a reader may leave the others'
   * positions stale (an XTC then decodes only the parts of its frames that hold them). In any
   * order, repeats allowed. Absent, or null: all atoms.
   */
  readAtoms?(prepared: Prepared): Int32Array | null;
  create(prepared: Prepared): State;
  add(prepared: Prepared, state: State, frame: FoldFrame): void;
  merge(prepared: Prepared, a: State, b: State, join: Join): State;
  encode(state: State): unknown;
  decode(prepared: Prepared, wire: unknown): State;
  finish(prepared: Prepared, state: State, env: FinishEnv): Promise<Result>;
  /** Work a worker thread can do for `finish` (see FinishEnv.parallel), by name. */
  readonly tasks?: Readonly<Record<string, (args: never) => unknown>>;
  readonly document: DocumentPart<Result, Section>;
}

/** What an analysis may use when it prepares: the system as the first frame shows it, and a sample of frames. */
export interface PrepareContext {
  file: string;
  topology: Topology;
  /** The first frame (a copy). */
  first: Frame;
  /** Evaluate a selection (molecules are found once, on first need). */
  select(text: string): Selection;
  /** Molecules, for analyses that follow them. */
  molecules(): import('../select/molecules.js').Molecules;
  /** Time between stored frames, ps (null when neither the file nor the options say). */
  dtPs: number | null;
  /** Time between the frames used (--stride × dtPs), ps. */
  dtUsedPs: number | null;
  /** How to give the time between frames for this file's format (for messages when it is missing). */
  timeHint: string | null;
  /** Things the user should know, reported as warnings. */
  notes: string[];
  /**
   * The first `maxFrames` used frames of the run (after --begin/--end/--stride, whatever part of
   * the run this process folds), read again from the file, in order. For what must be decided
   * before folding but needs statistics over frames, such as a cutoff at the first minimum of a
   * g(r). Every process that folds a part of the run reads the same sample, so they all decide
   * alike. The frame's arrays are reused: copy what must outlive the next frame.
   */
  sample(maxFrames: number): AsyncIterable<Frame>;
}

/** One used frame as an analysis sees it. */
export interface FoldFrame {
  frame: Frame;
  /** Unwrapped positions of all atoms (3 each), when an analysis asked for them; reused. */
  unwrapped: Float64Array | null;
}

/**
 * How the second of two consecutive ranges continues the first. Every range unwraps on its own,
 * from its first frame as read, so an atom that crossed the cell before the range began is off
 * by whole cell vectors there: `atomShift` (3 per atom, Å) is what to add to the second range's
 * unwrapped positions to continue the first's (null: nothing to add).
 */
export interface Join {
  atomShift: Float64Array | null;
}

/** Thrown by `add` for a frame an analysis cannot use; the fold names the file and frame. */
export class FrameProblem extends Error {
  override name = 'FrameProblem';
}

export interface FinishEnv {
  file: string;
  /** A result of an analysis named in `after` (undefined when it did not run). */
  result<R>(key: string): R | undefined;
  /** The pool's threads, for finishing work that splits (this thread when there is no pool). */
  parallel: Parallel;
}

export interface Parallel {
  /** Threads that run tasks at once (1: this thread only). */
  readonly threads: number;
  /** Memory the pool's threads can read without a copy (shared memory when there is a pool). */
  alloc(values: number): Float64Array;
  /** Run an analysis's task on each argument, in the pool's threads and this one; results in order. */
  map<A, R>(analysis: string, task: string, args: A[]): Promise<R[]>;
}

/** Runs every task in this thread: what `finish` gets without a pool (and after `mdpost merge`). */
export function serialParallel(registry: AnalysisRegistry): Parallel {
  return {
    threads: 1,
    alloc: (n) => new Float64Array(n),
    async map<A, R>(analysis: string, task: string, args: A[]): Promise<R[]> {
      const run = taskOf(registry, analysis, task);
      return args.map((a) => run(a as never) as R);
    },
  };
}

export function taskOf(registry: AnalysisRegistry, analysis: string, task: string): (args: never) => unknown {
  const fn = registry.get(analysis)?.tasks?.[task];
  if (!fn) throw new Error(`internal: no task ${analysis}.${task}`);
  return fn;
}

/**
 * An analysis's part of the results document (the `--json` output, analysis.json) and of every
 * report made from it. Reports are made from the document — the same whether the analysis ran
 * just now, was read back from a file (the viewer, a batch summary), or was merged from parts.
 */
export interface DocumentPart<Result, Section> {
  /** Top-level key of its section in the document (null: it has none). */
  readonly key: string | null;
  toJson(result: Result): Section;
  /** A section read back from a document, checked; `where` names it in errors. */
  read(raw: unknown, where: string): Section;
  /** Fields it adds to the document's `input` block (result undefined: it did not run). */
  input?(result: Result | undefined): Record<string, unknown>;
  /** The section of a document when the analysis did not run (default: no key at all). */
  readonly absent?: Section;
  /** Lines of the terminal summary. */
  text?(section: Section): string[];
  /** HTML for the report page (tables, notes). */
  html?(section: Section): string;
  /** Tables for spreadsheets: file name and CSV text. */
  csv?(section: Section): { name: string; text: string }[];
  /** Plots (Vega-Lite), with the CSV file that holds their data. */
  plots?(section: Section): ReportPlot[];
  /** Columns of the batch summary (one row per trajectory). */
  summary?(section: Section): SummaryCell[];
  /** Notes to list with the report's warnings. */
  notes?(section: Section): string[];
}

export interface ReportPlot {
  /** File name stem of the SVG. */
  name: string;
  /** Short name, as the viewer page shows it ("MSD", "g(r) Na–O"). */
  label: string;
  /** Caption in the report. */
  caption: string;
  spec: TopLevelSpec;
  /** The CSV files that hold the plot's data. */
  csvs: string[];
}

/**
 * One value of a batch summary row. `group` + `label` name the column (e.g. group "D", label
 * "Na"); `fit` asks for an Arrhenius (and VTF) fit of the value against temperature.
 */
export interface SummaryCell {
  group: string;
  label: string;
  value: number | null;
  stderr?: number | null;
  /** Text for the table when the value alone does not say it (e.g. "2.41 / 3.25, 5.89"). */
  text?: string;
  /** Column heading in the terminal table (default: "group(label) unit"). */
  heading?: string;
  /** Columns of summary.csv, heading → value (default: the value and its standard error). */
  csv?: Record<string, number | null>;
  /** Unit of the value, for the column header. */
  unit?: string;
  /** Scale the value by the batch's unit of D (values in Å²/ps). */
  diffusion?: boolean;
  fit?: boolean;
  /** Extra fields for summary.json. */
  json?: Record<string, unknown>;
}

/** The analyses mdpost knows, by key, in the order they prepare, finish and report. */
export interface AnalysisRegistry {
  readonly all: readonly Analysis[];
  get(key: string): Analysis | undefined;
}

export function makeRegistry(analyses: readonly Analysis[]): AnalysisRegistry {
  const byKey = new Map<string, Analysis>();
  for (const a of analyses) {
    if (byKey.has(a.key)) throw new Error(`internal: two analyses with the key ${a.key}`);
    for (const dep of a.after ?? []) if (!byKey.has(dep)) throw new Error(`internal: ${a.key} runs after ${dep}, which must be registered before it`);
    byKey.set(a.key, a);
  }
  return { all: analyses, get: (key) => byKey.get(key) };
}

/** The atoms of several lists in one (for readAtoms and unwrappedAtoms, which allow repeats). */
export function concatAtoms(lists: readonly Int32Array[]): Int32Array {
  const out = new Int32Array(lists.reduce((n, l) => n + l.length, 0));
  let at = 0;
  for (const l of lists) {
    out.set(l, at);
    at += l.length;
  }
  return out;
}
