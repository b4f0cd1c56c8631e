import { InputError } from '../model/errors.js';
import { addTallies, checkSameShape, partnersPerKind, WireReader, type FrameShells, type ShellDefinition } from './solvation-shell.js';

/**
 * Who is in a cation's first shell (solvation-shell.ts), by partner kind:
 * - the mean number of molecules of each kind in a shell (for a polymer host, of distinct
 *   chains), and how it is distributed over cation-frames;
 * - the mean number of shell atoms of each kind within the cutoff (for a polymer, the ether
 *   oxygens), and its distribution;
 * - denticity: over (cation, partner, frame) contacts, how many of the partner's shell atoms
 *   are within the cutoff (an FSI bound by one O or by two; a chain wrapping with four O);
 * - the shell compositions ("4 H2O + 1 FSI") as fractions of cation-frames, most common first;
 * - the fraction of each kind's molecules that are in no cation's shell (for an anion kind,
 *   the free anions), over molecules and frames.
 *
 * The state is a set of counts (compositions keyed by their molecule counts): states of any
 * frames merge by addition.
 */
/** Molecule and atom counts per kind are histogrammed up to this; the last bin is "this many or more". */
export const MAX_SHELL = 32;
/** Molecules of one kind in one shell are counted exactly up to this in compositions. */
const MAX_IN_COMPOSITION = 63;

export interface CompositionState {
  kinds: string[];
  cations: number;
  /** Molecules of each kind in the system. */
  partnersOfKind: Int32Array;
  frames: number;
  /** Σ over cation-frames of molecules, and of shell atoms, of each kind in the shell. */
  moleculeSum: Float64Array;
  atomSum: Float64Array;
  /** [k·(MAX_SHELL+1) + n]: cation-frames with n molecules (or shell atoms) of kind k. */
  moleculeHist: Float64Array;
  atomHist: Float64Array;
  /** [k·(MAX_SHELL+1) + n]: (cation, partner, frame) contacts of kind k through n shell atoms. */
  denticityHist: Float64Array;
  /** Σ over frames of the molecules of each kind that are in at least one shell. */
  boundSum: Float64Array;
  /** Distinct compositions: molecule counts per kind, one row of `kinds.length` each, rows in ascending order. */
  compositions: Int32Array;
  /** Cation-frames with each composition. */
  compositionCount: Float64Array;
}

export function emptyCompositionState(def: ShellDefinition): CompositionState {
  const nk = def.kinds.length;
  const h = nk * (MAX_SHELL + 1);
  return {
    kinds: [...def.kinds],
    cations: def.cations.length,
    partnersOfKind: partnersPerKind(def),
    frames: 0,
    moleculeSum: new Float64Array(nk),
    atomSum: new Float64Array(nk),
    moleculeHist: new Float64Array(h),
    atomHist: new Float64Array(h),
    denticityHist: new Float64Array(h),
    boundSum: new Float64Array(nk),
    compositions: new Int32Array(0),
    compositionCount: new Float64Array(0),
  };
}

/**
 * Folds frames into a composition state. Compositions are tallied in a map keyed by a number
 * (the counts as digits in base 64) while folding; `state()` writes them out as rows.
 */
export class CompositionCounter {
  private readonly st: CompositionState;
  private readonly tally = new Map<number | string, number>();
  private readonly molecules: Int32Array;
  private readonly atoms: Int32Array;
  private readonly seen: Int32Array;
  private frame = 0;

  constructor(readonly def: ShellDefinition) {
    this.st = emptyCompositionState(def);
    this.molecules = new Int32Array(def.kinds.length);
    this.atoms = new Int32Array(def.kinds.length);
    this.seen = new Int32Array(def.partnerKind.length).fill(-1);
  }

  add(shells: FrameShells): void {
    const st = this.st, def = this.def;
    const nk = def.kinds.length;
    const stride = MAX_SHELL + 1;
    const { molecules, atoms, seen } = this;
    const frame = this.frame++;
    for (let c = 0; c < st.cations; c++) {
      molecules.fill(0);
      atoms.fill(0);
      for (let e = shells.start[c]; e < shells.start[c + 1]; e++) {
        const p = shells.partner[e];
        const k = def.partnerKind[p];
        molecules[k]++;
        atoms[k] += shells.atoms[e];
        st.denticityHist[k * stride + Math.min(shells.atoms[e], MAX_SHELL)]++;
        if (seen[p] !== frame) {
          seen[p] = frame;
          st.boundSum[k]++;
        }
      }
      for (let k = 0; k < nk; k++) {
        st.moleculeSum[k] += molecules[k];
        st.atomSum[k] += atoms[k];
        st.moleculeHist[k * stride + Math.min(molecules[k], MAX_SHELL)]++;
        st.atomHist[k * stride + Math.min(atoms[k], MAX_SHELL)]++;
      }
      const key = compositionKey(molecules);
      this.tally.set(key, (this.tally.get(key) ?? 0) + 1);
    }
    st.frames++;
  }

  /** The state so far, as plain data (the counter goes on folding). */
  state(): CompositionState {
    const nk = this.def.kinds.length;
    const rows = [...this.tally.entries()].map(([key, n]) => ({ counts: countsOfKey(key, nk), n }));
    return withCompositions({ ...this.st, moleculeSum: this.st.moleculeSum.slice(), atomSum: this.st.atomSum.slice(), moleculeHist: this.st.moleculeHist.slice(), atomHist: this.st.atomHist.slice(), denticityHist: this.st.denticityHist.slice(), boundSum: this.st.boundSum.slice() }, rows);
  }
}

const BASE = MAX_IN_COMPOSITION + 1;

function compositionKey(counts: Int32Array): number | string {
  if (counts.length > 8) return Array.from(counts, (n) => Math.min(n, MAX_IN_COMPOSITION)).join(',');
  let key = 0;
  for (let k = counts.length - 1; k >= 0; k--) key = key * BASE + Math.min(counts[k], MAX_IN_COMPOSITION);
  return key;
}

function countsOfKey(key: number | string, nk: number): number[] {
  if (typeof key === 'string') return key.split(',').map(Number);
  const counts = new Array<number>(nk);
  for (let k = 0; k < nk; k++) {
    counts[k] = key % BASE;
    key = Math.floor(key / BASE);
  }
  return counts;
}

function compareRows(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k] - b[k];
  return 0;
}

/** The state with its composition rows replaced by `rows`, sorted (rows with the same counts must not repeat). */
function withCompositions(st: CompositionState, rows: { counts: ArrayLike<number>; n: number }[]): CompositionState {
  const nk = st.kinds.length;
  rows.sort((a, b) => compareRows(a.counts, b.counts));
  const compositions = new Int32Array(rows.length * nk);
  const compositionCount = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    compositions.set(r.counts, i * nk);
    compositionCount[i] = r.n;
  });
  return { ...st, compositions, compositionCount };
}

/** The state of two frame ranges together (a pure function: neither input changes). */
export function mergeCompositions(a: CompositionState, b: CompositionState): CompositionState {
  checkSameShape('shell composition', a, b);
  const nk = a.kinds.length;
  const rows: { counts: Int32Array; n: number }[] = [];
  // Both row lists are sorted: merge them, adding the counts of equal rows.
  let i = 0, j = 0;
  const na = a.compositionCount.length, nb = b.compositionCount.length;
  while (i < na || j < nb) {
    const ra = i < na ? a.compositions.subarray(i * nk, (i + 1) * nk) : null;
    const rb = j < nb ? b.compositions.subarray(j * nk, (j + 1) * nk) : null;
    const cmp = ra && rb ? compareRows(ra, rb) : ra ? -1 : 1;
    if (cmp === 0) rows.push({ counts: ra!, n: a.compositionCount[i++] + b.compositionCount[j++] });
    else if (cmp < 0) rows.push({ counts: ra!, n: a.compositionCount[i++] });
    else rows.push({ counts: rb!, n: b.compositionCount[j++] });
  }
  return withCompositions(
    {
      kinds: [...a.kinds],
      cations: a.cations,
      partnersOfKind: a.partnersOfKind.slice(),
      frames: a.frames + b.frames,
      moleculeSum: addTallies(a.moleculeSum, b.moleculeSum),
      atomSum: addTallies(a.atomSum, b.atomSum),
      moleculeHist: addTallies(a.moleculeHist, b.moleculeHist),
      atomHist: addTallies(a.atomHist, b.atomHist),
      denticityHist: addTallies(a.denticityHist, b.denticityHist),
      boundSum: addTallies(a.boundSum, b.boundSum),
      compositions: new Int32Array(0),
      compositionCount: new Float64Array(0),
    },
    rows,
  );
}

const WIRE = 'shell-composition';
const VERSION = 1;

export function encodeCompositions(s: CompositionState): Record<string, unknown> {
  return { analysis: WIRE, version: VERSION, ...s };
}

export function decodeCompositions(value: unknown): CompositionState {
  const w = new WireReader(value, WIRE, VERSION);
  const kinds = w.strings('kinds');
  const nk = kinds.length;
  const h = nk * (MAX_SHELL + 1);
  const compositionCount = w.tally('compositionCount');
  const compositions = w.indices('compositions', compositionCount.length * nk, 0, MAX_IN_COMPOSITION + 1);
  for (let i = 1; i < compositionCount.length; i++) {
    if (compareRows(compositions.subarray((i - 1) * nk, i * nk), compositions.subarray(i * nk, (i + 1) * nk)) >= 0) w.fail('composition rows are not in ascending order');
  }
  return {
    kinds,
    cations: w.count('cations'),
    partnersOfKind: w.indices('partnersOfKind', nk, 0, 0x7fffffff),
    frames: w.count('frames'),
    moleculeSum: w.tally('moleculeSum', nk),
    atomSum: w.tally('atomSum', nk),
    moleculeHist: w.tally('moleculeHist', h),
    atomHist: w.tally('atomHist', h),
    denticityHist: w.tally('denticityHist', h),
    boundSum: w.tally('boundSum', nk),
    compositions,
    compositionCount,
  };
}

export interface KindCoordination {
  kind: string;
  /** Molecules of this kind in the system. */
  molecules: number;
  /** Mean molecules of this kind in a cation's shell (for a polymer: distinct chains). */
  meanMolecules: number;
  /** Mean shell atoms of this kind within the cutoff of a cation (for a polymer: ether O). */
  meanShellAtoms: number;
  /** Fraction of cation-frames with n molecules / n shell atoms of this kind (key `${MAX_SHELL}+` for the last bin). */
  moleculeDistribution: Record<string, number>;
  shellAtomDistribution: Record<string, number>;
  /** Fraction of contacts made through n shell atoms (1: monodentate, 2: bidentate …). */
  denticity: Record<string, number>;
  /** Fraction of this kind's molecules in no cation's shell, over molecules and frames (free anions for an anion kind). */
  freeFraction: number;
}

export interface CompositionResult {
  frames: number;
  cations: number;
  kinds: KindCoordination[];
  /** Mean molecules of all kinds in a shell. */
  meanMolecules: number;
  /** Shell compositions, most common first (ties in ascending order of counts). */
  compositions: { counts: number[]; label: string; fraction: number }[];
  notes: string[];
}

/** "4 H2O + 1 FSI": the kinds present with their counts, in the order of the kinds; "empty" for none. */
export function compositionLabel(counts: ArrayLike<number>, kinds: readonly string[]): string {
  const parts: string[] = [];
  for (let k = 0; k < kinds.length; k++) if (counts[k] > 0) parts.push(`${counts[k] >= MAX_IN_COMPOSITION ? `${MAX_IN_COMPOSITION}+` : counts[k]} ${kinds[k]}`);
  return parts.length > 0 ? parts.join(' + ') : 'empty';
}

export function finishCompositions(s: CompositionState): CompositionResult {
  const notes: string[] = [];
  const nk = s.kinds.length;
  const stride = MAX_SHELL + 1;
  const samples = s.frames * s.cations;
  if (samples === 0) notes.push('no cation-frames: nothing counted');
  const dist = (h: Float64Array, k: number) => {
    const row = h.subarray(k * stride, (k + 1) * stride);
    const total = row.reduce((a, x) => a + x, 0);
    const out: Record<string, number> = {};
    row.forEach((x, n) => {
      if (x > 0) out[n === MAX_SHELL ? `${MAX_SHELL}+` : String(n)] = x / total;
    });
    return out;
  };
  const kinds: KindCoordination[] = s.kinds.map((kind, k) => ({
    kind,
    molecules: s.partnersOfKind[k],
    meanMolecules: samples > 0 ? s.moleculeSum[k] / samples : NaN,
    meanShellAtoms: samples > 0 ? s.atomSum[k] / samples : NaN,
    moleculeDistribution: dist(s.moleculeHist, k),
    shellAtomDistribution: dist(s.atomHist, k),
    denticity: dist(s.denticityHist, k),
    freeFraction: s.frames > 0 && s.partnersOfKind[k] > 0 ? 1 - s.boundSum[k] / (s.frames * s.partnersOfKind[k]) : NaN,
  }));
  const order = Array.from(s.compositionCount, (_, i) => i).sort((i, j) => s.compositionCount[j] - s.compositionCount[i] || i - j);
  const compositions = order.map((i) => {
    const counts = Array.from(s.compositions.subarray(i * nk, (i + 1) * nk));
    return { counts, label: compositionLabel(counts, s.kinds), fraction: s.compositionCount[i] / samples };
  });
  if (compositions.some((c) => c.counts.some((n) => n >= MAX_IN_COMPOSITION))) notes.push(`shells with ${MAX_IN_COMPOSITION} or more molecules of one kind are lumped together in compositions`);
  if (s.atomHist.some((x, i) => i % stride === MAX_SHELL && x > 0)) notes.push(`counts of ${MAX_SHELL} or more fall in the last bin of the distributions (the means are exact)`);
  return {
    frames: s.frames,
    cations: s.cations,
    kinds,
    meanMolecules: samples > 0 ? s.moleculeSum.reduce((a, x) => a + x, 0) / samples : NaN,
    compositions,
    notes,
  };
}

/** Kind index of a name, or an InputError listing the kinds. */
export function kindIndex(kinds: readonly string[], name: string): number {
  const k = kinds.indexOf(name);
  if (k < 0) throw new InputError(`no partner kind "${name}"; the kinds are ${kinds.join(', ')}`);
  return k;
}
