import { InputError } from '../model/errors.js';
import type { UnwrapChoice } from '../select/unwrap.js';
import type { AnalysisRegistry } from './contract.js';
import { FRAME_OPTIONS, READ_OPTIONS } from './input-options.js';
import { checkDeclarations, parseOptions, type OptionDecl, type ParsedOptions, type RawOptions } from './options.js';

/**
 * What to compute on one trajectory: plain data, so that it crosses to worker threads and into
 * batch job files unchanged. Lengths in Å, times in ps.
 */
export interface AnalysisSpec {
  file: string;
  read: ReadSpec;
  frames: FrameSpec;
  /** The configuration of each analysis asked for, by key (registry order). */
  analyses: Record<string, unknown>;
}

export interface ReadSpec {
  format: string | null;
  /** Cell vectors (9 numbers, Å) for files without a cell. */
  box: number[] | null;
  /** LAMMPS type → element. */
  typeMap: [number, string][] | null;
  dtPs: number | null;
  timestepPs: number | null;
  /** Accept times outside the ranges MD uses. */
  unusualTime: boolean;
  /** How coordinates are made continuous (--unwrap). */
  unwrap: UnwrapChoice;
  /** Topology file (LAMMPS data, GRO, PDB) of the same atoms in the same order. */
  topology: string | null;
}

export interface FrameSpec {
  beginPs: number | null;
  endPs: number | null;
  stride: number;
  /** Fold only frames first ≤ index < end (null: to the end): one part of a run split across processes. */
  range: [number, number | null] | null;
  /**
   * Where the part's first frame starts in the (uncompressed) file, when the caller knows it
   * (a batch that cut the file at frame markers): reading starts there instead of at the top.
   */
  byteRange: { start: number; end: number; firstFrame: number } | null;
}

export function emptyReadSpec(): ReadSpec {
  return { format: null, box: null, typeMap: null, dtPs: null, timestepPs: null, unusualTime: false, unwrap: 'auto', topology: null };
}

/** The reading options alone (what `info` and `view` take). */
export function readSpecFromOptions(raw: RawOptions, where = 'options'): ReadSpec {
  return readSpecOf(parseOptions(READ_OPTIONS, raw, where));
}

function readSpecOf(o: ParsedOptions): ReadSpec {
  if (o.has('dt') && o.has('timestep')) throw new InputError('give either --dt (time between frames) or --timestep (MD step), not both');
  return {
    format: o.get<string>('format') ?? null,
    box: o.get<number[]>('box') ?? null,
    typeMap: o.get<[number, string][]>('typeMap') ?? null,
    dtPs: o.get<number>('dt') ?? null,
    timestepPs: o.get<number>('timestep') ?? null,
    unusualTime: o.get<boolean>('allowUnusualTime') ?? false,
    unwrap: o.get<UnwrapChoice>('unwrap') ?? 'auto',
    topology: o.get<string>('topology') ?? null,
  };
}

/** Every option `analyze` and batch job files know: reading, frames, then each analysis's own. */
export function analysisOptionDecls(registry: AnalysisRegistry): OptionDecl[] {
  const decls = [...READ_OPTIONS, ...FRAME_OPTIONS, ...registry.all.flatMap((a) => a.options)];
  checkDeclarations(decls);
  return decls;
}

/**
 * A spec from options written as people write them — the `mdpost analyze` flags, the same keys
 * in a batch job file, or the library's `analyze(file, options)`. Unknown keys are errors.
 */
export function specFromOptions(file: string, raw: RawOptions, registry: AnalysisRegistry, where = 'options'): AnalysisSpec {
  const decls = analysisOptionDecls(registry);
  const o = parseOptions(decls, raw, where);
  const read = readSpecOf(o);
  const frames: FrameSpec = {
    beginPs: o.get<number>('begin') ?? null,
    endPs: o.get<number>('end') ?? null,
    stride: o.get<number>('stride') ?? 1,
    range: o.get<[number, number | null]>('frames') ?? null,
    byteRange: null,
  };
  const analyses: Record<string, unknown> = {};
  for (const a of registry.all) {
    const config = a.configure(o);
    if (config !== null) analyses[a.key] = config;
  }
  if (!registry.all.some((a) => a.standalone !== false && a.key in analyses)) {
    const asks = registry.all.filter((a) => a.standalone !== false).map((a) => a.options[0].flag.replace(/<([^>]+)>/, (_, m: string) => m.toUpperCase()));
    throw new InputError(`nothing to compute: give at least one ${asks.join(' or ')} (see mdpost analyze --help)`);
  }
  return { file, read, frames, analyses };
}
