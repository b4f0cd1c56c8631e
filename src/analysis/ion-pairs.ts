import { InputError } from '../model/errors.js';
import { addTallies, checkSameShape, WireReader, type FrameShells, type ShellDefinition } from './solvation-shell.js';

/**
 * Ion-pair classes from first shells (solvation-shell.ts), relative to the anion kinds (the
 * partner kinds that are anions, e.g. FSI; with several, an anion of any of them counts).
 *
 * Per cation and frame, with n = the number of anions in the cation's shell:
 *   SSIP (solvent-separated ion pair): n = 0;
 *   CIP  (contact ion pair): n = 1 and that anion is in no other cation's shell;
 *   AGG  (aggregate): otherwise — two or more anions, or one anion that another cation shares.
 * Per anion and frame, with m = the number of cations whose shell holds it:
 *   free: m = 0;
 *   CIP:  m = 1 and that cation has no other anion in its shell;
 *   AGG:  otherwise — m ≥ 2, or its one cation holds other anions too.
 * So a CIP is always one cation and one anion that only have each other, and the CIP cations
 * equal the CIP anions at every frame. Fractions are over cation-frames and anion-frames. The
 * state also keeps how many anions each cation holds and how many cations share each anion.
 *
 * The state is a set of counts: states of any frames merge by addition.
 */
export const ION_PAIR_CLASSES = ['SSIP', 'CIP', 'AGG'] as const;
export const ANION_CLASSES = ['free', 'CIP', 'AGG'] as const;
/** Counts of anions per cation (and cations per anion) are kept up to this; the last bin is "this many or more". */
export const MAX_PARTNERS = 16;

export interface IonPairState {
  kinds: string[];
  /** Kinds counted as anions (indices into kinds). */
  anionKinds: Int32Array;
  cations: number;
  /** Anions of each anion kind. */
  anionsOfKind: Int32Array;
  frames: number;
  /** Cation-frames in SSIP, CIP, AGG. */
  cationClasses: Float64Array;
  /** Anion-frames free, CIP, AGG, for each anion kind: [3·a + class]. */
  anionClasses: Float64Array;
  /** Cation-frames with n anions in the shell, n = 0 … MAX_PARTNERS (last: or more). */
  anionsPerCation: Float64Array;
  /** Anion-frames with n cations holding the anion, n = 0 … MAX_PARTNERS (last: or more). */
  cationsPerAnion: Float64Array;
}

export function emptyIonPairState(def: ShellDefinition, anionKinds: readonly number[]): IonPairState {
  if (anionKinds.length === 0) throw new InputError('ion pairs: name at least one anion kind');
  for (const k of anionKinds) {
    if (!Number.isInteger(k) || k < 0 || k >= def.kinds.length) throw new InputError(`ion pairs: anion kind ${k} is not one of the ${def.kinds.length} partner kinds`);
  }
  if (new Set(anionKinds).size !== anionKinds.length) throw new InputError('ion pairs: an anion kind is named twice');
  const kinds = Int32Array.from(anionKinds);
  const anionsOfKind = Int32Array.from(kinds, (k) => def.partnerKind.reduce((n, pk) => n + (pk === k ? 1 : 0), 0));
  return {
    kinds: [...def.kinds],
    anionKinds: kinds,
    cations: def.cations.length,
    anionsOfKind,
    frames: 0,
    cationClasses: new Float64Array(3),
    anionClasses: new Float64Array(3 * kinds.length),
    anionsPerCation: new Float64Array(MAX_PARTNERS + 1),
    cationsPerAnion: new Float64Array(MAX_PARTNERS + 1),
  };
}

/** Folds frames into an ion-pair state; scratch memory is allocated once. */
export class IonPairCounter {
  private readonly st: IonPairState;
  /** Anion number of each partner, −1 for partners that are not anions. */
  private readonly anionOf: Int32Array;
  /** Anion kind slot (index into anionKinds) of each anion. */
  private readonly slotOfAnion: Int32Array;
  private readonly holders: Int32Array;
  private readonly holder: Int32Array;
  private readonly held: Int32Array;
  private readonly firstHeld: Int32Array;

  constructor(def: ShellDefinition, anionKinds: readonly number[]) {
    this.st = emptyIonPairState(def, anionKinds);
    const slotOfKind = new Int32Array(def.kinds.length).fill(-1);
    anionKinds.forEach((k, a) => (slotOfKind[k] = a));
    this.anionOf = new Int32Array(def.partnerKind.length).fill(-1);
    const slots: number[] = [];
    def.partnerKind.forEach((k, p) => {
      if (slotOfKind[k] >= 0) {
        this.anionOf[p] = slots.length;
        slots.push(slotOfKind[k]);
      }
    });
    this.slotOfAnion = Int32Array.from(slots);
    this.holders = new Int32Array(slots.length);
    this.holder = new Int32Array(slots.length);
    this.held = new Int32Array(def.cations.length);
    this.firstHeld = new Int32Array(def.cations.length);
  }

  add(shells: FrameShells): void {
    const st = this.st;
    const { holders, holder, held, firstHeld, anionOf } = this;
    holders.fill(0);
    for (let c = 0; c < st.cations; c++) {
      let n = 0;
      for (let e = shells.start[c]; e < shells.start[c + 1]; e++) {
        const a = anionOf[shells.partner[e]];
        if (a < 0) continue;
        if (n === 0) firstHeld[c] = a;
        n++;
        holders[a]++;
        holder[a] = c;
      }
      held[c] = n;
    }
    for (let c = 0; c < st.cations; c++) {
      const n = held[c];
      st.cationClasses[n === 0 ? 0 : n === 1 && holders[firstHeld[c]] === 1 ? 1 : 2]++;
      st.anionsPerCation[Math.min(n, MAX_PARTNERS)]++;
    }
    for (let a = 0; a < holders.length; a++) {
      const m = holders[a];
      st.anionClasses[3 * this.slotOfAnion[a] + (m === 0 ? 0 : m === 1 && held[holder[a]] === 1 ? 1 : 2)]++;
      st.cationsPerAnion[Math.min(m, MAX_PARTNERS)]++;
    }
    st.frames++;
  }

  /** The state so far, as plain data (the counter goes on folding). */
  state(): IonPairState {
    return structuredClone(this.st);
  }
}

/** The state of two frame ranges together (a pure function: neither input changes). */
export function mergeIonPairs(a: IonPairState, b: IonPairState): IonPairState {
  checkSameShape('ion pairs', a, b);
  if (a.anionKinds.length !== b.anionKinds.length || a.anionKinds.some((k, i) => k !== b.anionKinds[i])) {
    throw new InputError('ion pairs: cannot merge states counted against different anion kinds');
  }
  return {
    ...a,
    anionKinds: a.anionKinds.slice(),
    anionsOfKind: a.anionsOfKind.slice(),
    frames: a.frames + b.frames,
    cationClasses: addTallies(a.cationClasses, b.cationClasses),
    anionClasses: addTallies(a.anionClasses, b.anionClasses),
    anionsPerCation: addTallies(a.anionsPerCation, b.anionsPerCation),
    cationsPerAnion: addTallies(a.cationsPerAnion, b.cationsPerAnion),
    kinds: [...a.kinds],
  };
}

const WIRE = 'ion-pairs';
const VERSION = 1;

export function encodeIonPairs(s: IonPairState): Record<string, unknown> {
  return { analysis: WIRE, version: VERSION, ...s };
}

export function decodeIonPairs(value: unknown): IonPairState {
  const w = new WireReader(value, WIRE, VERSION);
  const kinds = w.strings('kinds');
  const anionKinds = w.indices('anionKinds', undefined, 0, kinds.length);
  if (anionKinds.length === 0) w.fail('no anion kind');
  return {
    kinds,
    anionKinds,
    cations: w.count('cations'),
    anionsOfKind: w.indices('anionsOfKind', anionKinds.length, 0, 0x7fffffff),
    frames: w.count('frames'),
    cationClasses: w.tally('cationClasses', 3),
    anionClasses: w.tally('anionClasses', 3 * anionKinds.length),
    anionsPerCation: w.tally('anionsPerCation', MAX_PARTNERS + 1),
    cationsPerAnion: w.tally('cationsPerAnion', MAX_PARTNERS + 1),
  };
}

export interface IonPairResult {
  frames: number;
  cations: number;
  anionKinds: string[];
  anions: number;
  /** Fractions of cation-frames: SSIP, CIP, AGG (sum to 1). */
  cation: { SSIP: number; CIP: number; AGG: number };
  /** Fractions of anion-frames, all anion kinds together and per kind: free, CIP, AGG. */
  anion: { free: number; CIP: number; AGG: number };
  anionByKind: { kind: string; anions: number; free: number; CIP: number; AGG: number }[];
  /** Fraction of cation-frames with n anions in the shell (key `${MAX_PARTNERS}+` for the last). */
  anionsPerCation: Record<string, number>;
  /** Fraction of anion-frames held by n cations. */
  cationsPerAnion: Record<string, number>;
  /** Mean anions per cation shell and mean cations per anion. */
  meanAnionsPerCation: number;
  meanCationsPerAnion: number;
  notes: string[];
}

export function finishIonPairs(s: IonPairState): IonPairResult {
  const notes: string[] = [];
  const cationFrames = s.frames * s.cations;
  const anions = s.anionsOfKind.reduce((n, x) => n + x, 0);
  const anionFrames = s.frames * anions;
  const frac = (x: number, total: number) => (total > 0 ? x / total : NaN);
  const classes = (v: ArrayLike<number>, total: number) => ({ free: frac(v[0], total), CIP: frac(v[1], total), AGG: frac(v[2], total) });
  const all = [0, 1, 2].map((c) => s.anionClasses.reduce((n, x, i) => n + (i % 3 === c ? x : 0), 0));
  if (s.frames === 0) notes.push('no frames: no ion pairs counted');
  if (anions === 0) notes.push('the anion kinds have no molecules');
  const dist = (h: Float64Array, total: number) => {
    const out: Record<string, number> = {};
    h.forEach((x, n) => {
      if (x > 0) out[n === MAX_PARTNERS ? `${MAX_PARTNERS}+` : String(n)] = x / total;
    });
    return out;
  };
  const mean = (h: Float64Array, total: number) => frac(h.reduce((m, x, n) => m + n * x, 0), total);
  if (s.anionsPerCation[MAX_PARTNERS] > 0 || s.cationsPerAnion[MAX_PARTNERS] > 0) notes.push(`counts of ${MAX_PARTNERS} or more are counted as ${MAX_PARTNERS} in the means`);
  return {
    frames: s.frames,
    cations: s.cations,
    anionKinds: Array.from(s.anionKinds, (k) => s.kinds[k]),
    anions,
    cation: { SSIP: frac(s.cationClasses[0], cationFrames), CIP: frac(s.cationClasses[1], cationFrames), AGG: frac(s.cationClasses[2], cationFrames) },
    anion: classes(all, anionFrames),
    anionByKind: Array.from(s.anionKinds, (k, a) => ({ kind: s.kinds[k], anions: s.anionsOfKind[a], ...classes(s.anionClasses.subarray(3 * a, 3 * a + 3), s.frames * s.anionsOfKind[a]) })),
    anionsPerCation: dist(s.anionsPerCation, cationFrames),
    cationsPerAnion: dist(s.cationsPerAnion, anionFrames),
    meanAnionsPerCation: mean(s.anionsPerCation, cationFrames),
    meanCationsPerAnion: mean(s.cationsPerAnion, anionFrames),
    notes,
  };
}
