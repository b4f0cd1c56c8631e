import { decodeIonPairs, encodeIonPairs, finishIonPairs, IonPairCounter, mergeIonPairs, type IonPairState } from '../analysis/ion-pairs.js';
import { maxRmax, mergeRdfStates, RdfAccumulator, type RdfState } from '../analysis/rdf.js';
import { finishRdf, smooth, SMOOTHING_A } from '../analysis/rdf-shell.js';
import { decodeResidence, encodeResidence, finishResidence, mergeResidence, ResidenceTracker, type ResidenceResult, type ResidenceState, type WindowParams } from '../analysis/residence.js';
import { CompositionCounter, decodeCompositions, encodeCompositions, finishCompositions, mergeCompositions, type CompositionState } from '../analysis/shell-composition.js';
import { defineShells, ShellFinder, type ShellDefinition } from '../analysis/solvation-shell.js';
import type { Box } from '../model/box.js';
import { isFreeCation } from '../model/elements.js';
import { InputError } from '../model/errors.js';
import { parsePositiveInt, parsePositiveTime } from '../model/parse-options.js';
import { FrameProblem, type Analysis, type PrepareContext } from '../pipeline/contract.js';
import { DEFAULT_BIN_WIDTH_A } from './rdf.js';
import { solvationDocument, type PartnerSection, type SolvationSection } from './solvation-document.js';
import { findPartners, namesKind, parseShellCutoffs, shellAtomsText, type PartnerKind, type ShellAtomsChoice, type ShellCutoffs } from './solvation-partners.js';

/**
 * Solvation shells of cations: who is in each cation's first shell, ion pairing, and how long
 * partners stay — for each `--solvation CATION` selection, one entry of the `solvation` section.
 * The science is in src/analysis: solvation-shell.ts (shells per frame, definitions),
 * shell-composition.ts, ion-pairs.ts and residence.ts (their states, merges and numbers).
 *
 * One analysis rather than one per quantity: composition, ion pairs and residence times are all
 * folded from the same shells, found once per frame by one neighbour search (the costly part),
 * with the same cutoffs, which are decided once from one sample of frames; and the results
 * document keeps them together in one entry per cation.
 *
 * Cutoffs. Per partner kind, `--shell-cutoff` when given; otherwise the first minimum of the g(r)
 * of the cation and that kind's shell atoms — the g(r) and minimum `--rdf` computes (same bins,
 * the same smoothing; up to SHELL_GR_REACH_A) — over a sample: the first `--shell-sample` used
 * frames, read before folding (the cutoff must be known while folding). When a kind's g(r) has no
 * clear first minimum (no peak, no rise after it, or g ≥ 1 at its lowest point: a dip within the
 * peak), the first minimum of the g(r) of the cation and all shell atoms is used instead, with a
 * warning (that g(r) is only sampled then); a shallow minimum (0.6 < g < 1) is used and warned
 * about. When the run is longer than the sample, the g(r) of each such kind is also folded over
 * the frames after the sample and added to the sample's (no frame is counted twice), and a note
 * says when the whole run's first minimum lies more than CHECK_BINS bins from the sample's.
 *
 * State and merging. Per cation entry: the shell composition and the ion-pair counts (tallies
 * that add), the whole-run g(r) of the sampled kinds (histograms that add), and the bounded
 * residence state (residence-window.ts): the range's own sums behind C(τ) at lags up to
 * `--residence-max`, its exchange counts and stays, with the stays near its two ends as runs of
 * frames. Merging two consecutive ranges adds the tallies and recounts, from those runs, what
 * straddles the cut: C(τ), the stays and the exchange counts computed at the end are those of
 * one pass over all frames, exactly, at lags up to the longest kept; its size does not grow with
 * the run. A run shorter than about that lag keeps every stay and every lag, as one pass would.
 */
export interface SolvationConfig {
  cations: string[];
  shellAtoms: ShellAtomsChoice;
  cutoffs: ShellCutoffs | null;
  /** Frames whose g(r) sets the default cutoffs. */
  sampleFrames: number;
  /** Longest lag of C(τ), ps. */
  residenceMaxPs: number;
}

/** How a kind's cutoff was found. */
export type CutoffSource = 'given' | 'g(r) minimum' | 'g(r) minimum of all shell atoms';

export interface KindPrepared extends PartnerKind {
  cutoffA: number;
  source: CutoffSource;
  /** Frames of the g(r) that set the cutoff (null when given). */
  sampleFrames: number | null;
}

export interface EntryPrepared {
  cation: string;
  def: ShellDefinition;
  kinds: KindPrepared[];
  /** Kinds counted as anions for ion pairs (indices into kinds). */
  anionKinds: number[];
  /**
   * Kinds whose cutoff came from the sample, with their shell atoms and the sample's g(r): their
   * g(r) is folded over the frames after the sample and added to it, to check the cutoff against
   * the whole run's.
   */
  check: { kind: number; atoms: Int32Array; sample: RdfState }[];
}

export interface SolvationPrepared {
  shellAtoms: string;
  /** Time between used frames, ps (null: unknown, no residence times). */
  dtPs: number | null;
  /** Binning of the g(r) that checks sampled cutoffs. */
  grRmaxA: number;
  grBins: number;
  /** File index of the sample's last frame (-1: no sample): the checking g(r) folds the frames after it. */
  sampleLastIndex: number;
  /** The lags, tolerance and exchange window the residence states are kept for (frames). */
  residence: WindowParams;
  entries: EntryPrepared[];
}

/** The states of a range of frames, as plain data. */
interface EntryStates {
  /** The cutoffs they were folded with (parts folded with others cannot merge). */
  cutoffA: Float64Array;
  composition: CompositionState;
  ionPairs: IonPairState | null;
  residence: ResidenceState;
  gr: RdfState[];
}

/** While folding: the counters; once merged or decoded: their states. */
type EntryFold = { live: Live; done: null } | { live: null; done: EntryStates };
interface Live {
  finder: ShellFinder;
  composition: CompositionCounter;
  ionPairs: IonPairCounter | null;
  residence: ResidenceTracker;
  gr: RdfAccumulator[];
}

export interface SolvationState {
  entries: EntryFold[];
}

/** g(r) for the default cutoffs reaches this far (or half the cell): first minima of cation–donor g(r) lie well inside. */
export const SHELL_GR_REACH_A = 10;
/** The whole run's first minimum may lie this many bins from the sample's before a note says so. */
export const CHECK_BINS = 1.5;
export const DEFAULT_SAMPLE_FRAMES = 200;
/** An exchange pairs a departure and an arrival at most this many frames apart. */
export const EXCHANGE_WINDOW_FRAMES = 2;
/**
 * C(τ) is kept up to this lag by default: past the residence times of Li⁺/Na⁺ with water, carbonates,
 * ethers and sulfonylimide anions in liquids (tens of ps to ~100 ps), so that τ_res and the fit's
 * window (C from 0.9 to 0.15) are within it; slower shells (polymers, ionic liquids) need a larger
 * --residence-max, and say so in a note.
 */
export const DEFAULT_RESIDENCE_MAX_PS = 500;
/** The longest lag, in frames, when the time between frames is unknown (no residence times then; the state stays bounded). */
const UNTIMED_MAX_LAG_FRAMES = 1000;

export const solvationAnalysis: Analysis<SolvationConfig, SolvationPrepared, SolvationState, SolvationSection[], SolvationSection[]> = {
  key: 'solvation',
  title: 'solvation shells, ion pairs and residence times',
  needsTime: true,
  example: { solvation: ['Na'], shellSample: '50' },
  options: [
    {
      key: 'solvation',
      flag: '--solvation <cation>',
      help: 'first solvation shells of a cation selection, e.g. Na: composition by partner kind, ion pairs (SSIP/CIP/AGG), residence times (repeatable)',
      commands: ['analyze', 'batch'],
      repeatable: true,
    },
    {
      key: 'shellAtoms',
      flag: '--shell-atoms <selection>',
      help: 'atoms that put a molecule in a cation\'s shell: a selection, or "all" (every atom of the molecules)',
      defaultText: 'O, N, F of other molecules and free halide ions',
      commands: ['analyze', 'batch'],
      parse: (text): ShellAtomsChoice => (text.trim().toLowerCase() === 'all' ? { mode: 'all' } : { mode: 'selection', text: text.trim() }),
    },
    {
      key: 'shellCutoff',
      flag: '--shell-cutoff <cutoffs>',
      help: 'shell cutoff, Å, for all partner kinds ("3.2") or per kind ("H2O=3.2,FSI=3.4")',
      defaultText: 'the first minimum of each kind\'s g(r)',
      commands: ['analyze', 'batch'],
      parse: parseShellCutoffs,
    },
    {
      key: 'shellSample',
      flag: '--shell-sample <frames>',
      help: 'frames (the first ones used) whose g(r) sets the shell cutoffs not given',
      defaultText: String(DEFAULT_SAMPLE_FRAMES),
      commands: ['analyze', 'batch'],
      parse: parsePositiveInt,
    },
    {
      key: 'residenceMax',
      flag: '--residence-max <time>',
      help: 'longest lag of the residence correlation C(τ), e.g. 1ns: τ_res beyond it is reported as longer (the state kept while folding grows with it, not with the run)',
      defaultText: `${DEFAULT_RESIDENCE_MAX_PS} ps`,
      commands: ['analyze', 'batch'],
      parse: parsePositiveTime,
    },
  ],

  configure(o) {
    const cations = o.get<string[]>('solvation') ?? [];
    if (cations.length === 0) {
      for (const k of ['shellAtoms', 'shellCutoff', 'shellSample', 'residenceMax']) {
        if (o.has(k)) throw new InputError(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} sets up solvation shells: give --solvation CATION (e.g. --solvation Na) too`);
      }
      return null;
    }
    const twice = cations.find((c, k) => cations.indexOf(c) !== k);
    if (twice !== undefined) throw new InputError(`--solvation ${twice} is given twice`);
    return {
      cations,
      shellAtoms: o.get<ShellAtomsChoice>('shellAtoms') ?? { mode: 'default' },
      cutoffs: o.get<ShellCutoffs>('shellCutoff') ?? null,
      sampleFrames: o.get<number>('shellSample') ?? DEFAULT_SAMPLE_FRAMES,
      residenceMaxPs: o.get<number>('residenceMax') ?? DEFAULT_RESIDENCE_MAX_PS,
    };
  },

  prepare: prepareSolvation,

  needsUnwrapped: () => false,

  create: (p) => ({ entries: p.entries.map((e): EntryFold => ({ live: liveOf(p, e), done: null })) }),

  add(p, st, { frame }) {
    if (!frame.box) throw new FrameProblem('no cell, but solvation shells need one (distances by the minimum image)');
    for (const e of st.entries) {
      if (!e.live) throw new Error('internal: folding into a merged solvation state');
      const shells = findShells(e.live.finder, frame.positions, frame.box);
      e.live.composition.add(shells);
      e.live.ionPairs?.add(shells);
      e.live.residence.add(shells);
      if (frame.index > p.sampleLastIndex) for (const acc of e.live.gr) acc.add(frame.positions, frame.box);
    }
  },

  merge: (_p, a, b) => ({ entries: a.entries.map((e, k) => ({ live: null, done: mergeStates(statesOf(e), statesOf(b.entries[k])) })) }),

  encode: (st) => ({
    analysis: 'solvation',
    version: 1,
    entries: st.entries.map((e) => {
      const s = statesOf(e);
      return { cutoffA: s.cutoffA, composition: encodeCompositions(s.composition), ionPairs: s.ionPairs ? encodeIonPairs(s.ionPairs) : null, residence: encodeResidence(s.residence), gr: s.gr };
    }),
  }),

  decode: decodeState,

  async finish(p, st) {
    return p.entries.map((e, k) => finishEntry(p, e, statesOf(st.entries[k])));
  },

  document: solvationDocument,
};

/** The finder, counters and checking g(r) of one cation entry, empty. */
function liveOf(p: SolvationPrepared, e: EntryPrepared): Live {
  return {
    finder: new ShellFinder(e.def),
    composition: new CompositionCounter(e.def),
    ionPairs: e.anionKinds.length > 0 ? new IonPairCounter(e.def, e.anionKinds) : null,
    residence: new ResidenceTracker(e.def, p.residence),
    gr: e.check.map((c) => new RdfAccumulator(e.def.cations, c.atoms, p.grRmaxA, p.grBins)),
  };
}

function findShells(finder: ShellFinder, positions: Float64Array, box: Box) {
  try {
    return finder.find(positions, box);
  } catch (err) {
    // A cell that shrank (NpT) below twice the largest cutoff.
    if (err instanceof RangeError) throw new FrameProblem(err.message);
    throw err;
  }
}

function statesOf(e: EntryFold): EntryStates {
  if (e.done) return e.done;
  const l = e.live!;
  return { cutoffA: l.finder.def.cutoffA, composition: l.composition.state(), ionPairs: l.ionPairs?.state() ?? null, residence: l.residence.state(), gr: l.gr.map((acc) => acc.state) };
}

function mergeStates(a: EntryStates, b: EntryStates): EntryStates {
  if (!sameCutoffs(a.cutoffA, b.cutoffA)) throw new InputError(`solvation: parts folded with different shell cutoffs (${Array.from(a.cutoffA).join(', ')} Å and ${Array.from(b.cutoffA).join(', ')} Å) cannot be merged`);
  return {
    cutoffA: a.cutoffA,
    composition: mergeCompositions(a.composition, b.composition),
    ionPairs: a.ionPairs && b.ionPairs ? mergeIonPairs(a.ionPairs, b.ionPairs) : null,
    residence: mergeResidence(a.residence, b.residence),
    gr: a.gr.map((g, k) => mergeRdfStates(g, b.gr[k])),
  };
}

function decodeState(p: SolvationPrepared, wire: unknown): SolvationState {
  const w = wire as { analysis?: unknown; version?: unknown; entries?: unknown };
  if (!w || w.analysis !== 'solvation' || w.version !== 1 || !Array.isArray(w.entries)) throw new InputError('solvation state: not a solvation state of this mdpost');
  if (w.entries.length !== p.entries.length) throw new InputError(`solvation state: ${w.entries.length} cation entries, but the plan has ${p.entries.length}`);
  return {
    entries: w.entries.map((raw, k): EntryFold => {
      const e = p.entries[k];
      if (!raw || typeof raw !== 'object') throw new InputError(`solvation state of ${e.cation}: expected an object`);
      const x = raw as { cutoffA: unknown; composition: unknown; ionPairs: unknown; residence: unknown; gr: unknown };
      if (!(x.cutoffA instanceof Float64Array) || !sameCutoffs(x.cutoffA, e.def.cutoffA)) {
        throw new InputError(`solvation state of ${e.cation}: folded with other shell cutoffs than this plan's (${e.kinds.map((k) => `${k.name} ${k.cutoffA} Å`).join(', ')})`);
      }
      const composition = decodeCompositions(x.composition);
      const residence = decodeResidence(x.residence);
      const w = residence.window;
      if (!w || w.maxLagFrames !== p.residence.maxLagFrames || w.toleranceFrames !== p.residence.toleranceFrames || w.exchangeWindowFrames !== p.residence.exchangeWindowFrames) {
        const r = p.residence;
        throw new InputError(`solvation state of ${e.cation}: its residence state was kept for another longest lag, tolerance or exchange window than this plan's (${r.maxLagFrames}, ${r.toleranceFrames} and ${r.exchangeWindowFrames} frames)`);
      }
      const ionPairs = x.ionPairs === null ? null : decodeIonPairs(x.ionPairs);
      if (!sameKinds(composition.kinds, e) || !sameKinds(residence.kinds, e) || (ionPairs && !sameKinds(ionPairs.kinds, e)) || composition.cations !== e.def.cations.length || residence.cations !== e.def.cations.length) {
        throw new InputError(`solvation state of ${e.cation}: its partner kinds or cations are not those of the plan (${e.kinds.map((q) => q.name).join(', ')})`);
      }
      if ((ionPairs === null) !== (e.anionKinds.length === 0)) throw new InputError(`solvation state of ${e.cation}: ion pairs do not match the plan`);
      if (!Array.isArray(x.gr) || x.gr.length !== e.check.length) throw new InputError(`solvation state of ${e.cation}: expected ${e.check.length} g(r) histograms`);
      const gr = (x.gr as RdfState[]).map((g) => {
        if (!g || g.bins !== p.grBins || !(g.counts instanceof Float64Array) || g.counts.length !== p.grBins) throw new InputError(`solvation state of ${e.cation}: a g(r) histogram of another binning`);
        return g;
      });
      return { live: null, done: { cutoffA: x.cutoffA, composition, ionPairs, residence, gr } };
    }),
  };
}

function sameCutoffs(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((r, k) => r === b[k]);
}

function sameKinds(kinds: readonly string[], e: EntryPrepared): boolean {
  return kinds.length === e.kinds.length && kinds.every((k, i) => k === e.kinds[i].name);
}

/** The g(r) binning of `--rdf` by default (0.02 Å bins up to half the cell), cut at SHELL_GR_REACH_A. */
function shellBinning(box: Box): { rmaxA: number; bins: number; dr: number } {
  const rdfRmax = Math.floor(maxRmax(box) * 100) / 100;
  const rdfBins = Math.max(10, Math.round(rdfRmax / DEFAULT_BIN_WIDTH_A));
  const dr = rdfRmax / rdfBins;
  const bins = Math.min(rdfBins, Math.ceil(SHELL_GR_REACH_A / dr - 1e-9));
  return { rmaxA: bins === rdfBins ? rdfRmax : bins * dr, bins, dr };
}

async function prepareSolvation(config: SolvationConfig, ctx: PrepareContext): Promise<SolvationPrepared> {
  const box = ctx.first.box;
  if (!box) throw new InputError(`${ctx.file}: solvation shells need a periodic cell (distances by the minimum image) and this file has none; give --box "a b c" (Å)`);
  if (!box.pbc.every((p) => p)) ctx.notes.push('the cell is not periodic along every axis; solvation shells and their g(r) treat it as periodic in all three');
  const halfWidth = maxRmax(box);
  const mols = ctx.molecules();
  const top = ctx.topology;

  // Partners of each cation selection.
  const found = config.cations.map((text) => {
    const cations = ctx.select(text).atoms;
    if (top.elements && !Array.from(cations).every((i) => isFreeCation(top.elements![i]))) {
      ctx.notes.push(`solvation: "${text}" selects atoms that are not all free metal cations (Li⁺, Na⁺ …); each selected atom is taken as a centre`);
    }
    return { text, cations, partners: findPartners(top, mols, cations, config.shellAtoms, ctx.select, text) };
  });

  // Given cutoffs; a name that is no kind of any cation is an error.
  const given = config.cutoffs;
  for (const [name] of given?.byKind ?? []) {
    if (!found.some((f) => f.partners.kinds.some((k) => namesKind(name, k)))) {
      const kinds = [...new Set(found.flatMap((f) => f.partners.kinds.map((k) => `${k.name} (${k.molecules})`)))];
      throw new InputError(`--shell-cutoff: no partner kind "${name}"; the kinds (molecules) are ${kinds.join(', ')}`);
    }
  }
  for (const f of found) {
    for (const k of f.partners.kinds) {
      const names = (given?.byKind ?? []).filter(([name]) => namesKind(name, k)).map(([name]) => name);
      if (names.length > 1) throw new InputError(`--shell-cutoff: ${names.join(' and ')} name the same kind, ${k.name}; give its cutoff once`);
    }
  }
  const givenCutoff = (kind: PartnerKind) => given?.byKind.find(([name]) => namesKind(name, kind))?.[1] ?? given?.all ?? null;

  // Default cutoffs from the g(r) of a sample of frames; that of all shell atoms only where a kind's has no clear minimum.
  const bin = shellBinning(box);
  const needs = found.map((f) => f.partners.kinds.map((k) => givenCutoff(k) === null));
  const sample = needs.some((row) => row.some(Boolean)) ? await sampleGr(config, ctx, found, needs, false, bin) : null;
  const own = found.map((f, e) => f.partners.kinds.map((_, q) => (sample?.byKind[e][q] ? finishRdf(sample.byKind[e][q]!) : null)));
  const fallback = own.map((row) => [row.some((r) => r !== null && !clearMinimum(r))]);
  const allGr = fallback.some((row) => row[0]) ? (await sampleGr(config, ctx, found, fallback, true, bin)).byKind : null;

  const entries = found.map((f, e): EntryPrepared => {
    const kinds: KindPrepared[] = f.partners.kinds.map((k, q) => {
      const r = givenCutoff(k);
      if (r !== null) return { ...k, cutoffA: r, source: 'given', sampleFrames: null };
      const s = sample!;
      const pair = `${f.text}–${k.name}`;
      const mine = own[e][q]!;
      const clear = clearMinimum(mine);
      if (clear) {
        for (const n of mine.notes) ctx.notes.push(`solvation ${pair}: ${n}`);
        return { ...k, cutoffA: clear.rA, source: 'g(r) minimum', sampleFrames: s.frames };
      }
      const all = finishRdf(allGr![e][0]!);
      const why = mine.firstMin ? `at its lowest point after the peak, ${mine.firstMin.rA.toFixed(3)} Å, g(r) is above 1: a dip within the peak` : mine.notes.join('; ') || 'no first minimum';
      const allMin = clearMinimum(all)?.rA ?? null;
      if (allMin === null) {
        throw new InputError(
          `${ctx.file}: the g(r) of ${pair} over ${firstFrames(s.frames)} has no clear first minimum (${why}), nor has that of ${f.text} and all its shell atoms; give the cutoffs with --shell-cutoff (e.g. --shell-cutoff 3.2 or "${k.name}=3.2")`,
        );
      }
      ctx.notes.push(
        `solvation ${pair}: the g(r) over ${firstFrames(s.frames)} has no clear first minimum (${why}); the cutoff is the first minimum of the g(r) of ${f.text} and all its shell atoms, ${allMin.toFixed(3)} Å — give --shell-cutoff ${k.name}=… to choose another`,
      );
      return { ...k, cutoffA: allMin, source: 'g(r) minimum of all shell atoms', sampleFrames: s.frames };
    });
    for (const k of kinds) {
      if (k.cutoffA > halfWidth) {
        throw new InputError(`${ctx.file}: the shell cutoff of ${k.name} around ${f.text}, ${k.cutoffA} Å, exceeds half the cell's smallest width (${halfWidth.toFixed(3)} Å), beyond which the minimum image is not unique; give a smaller --shell-cutoff`);
      }
    }
    const def = defineShells({ cations: f.cations, shellAtoms: f.partners.shellAtoms, moleculeOf: f.partners.moleculeOf, kindOf: f.partners.kindOf, kinds: kinds.map((k) => k.name), cutoffA: kinds.map((k) => k.cutoffA) });
    const check = sample && !sample.wholeRun ? kinds.flatMap((k, q) => (k.source === 'g(r) minimum' ? [{ kind: q, atoms: atomsOfKind(f.partners, q), sample: sample.byKind[e][q]! }] : [])) : [];
    return { cation: f.text, def, kinds, anionKinds: kinds.flatMap((k, q) => (k.anion ? [q] : [])), check };
  });
  const maxLagFrames = ctx.dtUsedPs === null ? UNTIMED_MAX_LAG_FRAMES : Math.max(1, Math.floor(config.residenceMaxPs / ctx.dtUsedPs + 1e-9));
  const residence = { maxLagFrames, toleranceFrames: 0, exchangeWindowFrames: EXCHANGE_WINDOW_FRAMES };
  return { shellAtoms: shellAtomsText(config.shellAtoms), dtPs: ctx.dtUsedPs, grRmaxA: bin.rmaxA, grBins: bin.bins, sampleLastIndex: sample?.lastIndex ?? -1, residence, entries };
}

/**
 * The first minimum of a g(r), Å, when it is clear: g(r) peaks and rises again after it, and
 * there g(r), smoothed as where the minimum was located, lies below the bulk density (g ≥ 1 is a
 * dip within the peak — noise of a small sample — not the gap between the first shell and the
 * rest). Returns the minimum and the smoothed g there.
 */
function clearMinimum(r: ReturnType<typeof finishRdf>): { rA: number; g: number } | null {
  if (!r.firstMin) return null;
  const dr = r.rmaxA / r.bins;
  const g = smooth(r.g, dr)[Math.min(r.bins - 1, Math.max(0, Math.round(r.firstMin.rA / dr - 0.5)))];
  return g < 1 ? { rA: r.firstMin.rA, g } : null;
}

const firstFrames = (n: number) => (n === 1 ? 'the first frame' : `the first ${n} frames`);

function atomsOfKind(p: { shellAtoms: Int32Array; kindOf: Int32Array }, kind: number): Int32Array {
  return p.shellAtoms.filter((_, j) => p.kindOf[j] === kind);
}

/**
 * Over the first frames of the run, the g(r) of each cation and each kind's shell atoms where
 * `needs` (byKind[entry][kind]), or with `all`, of each cation and all its shell atoms where
 * needs[entry][0] (byKind[entry][0]).
 */
async function sampleGr(
  config: SolvationConfig,
  ctx: PrepareContext,
  found: { cations: Int32Array; partners: { shellAtoms: Int32Array; kindOf: Int32Array; kinds: PartnerKind[] } }[],
  needs: boolean[][],
  all: boolean,
  bin: { rmaxA: number; bins: number },
): Promise<{ frames: number; lastIndex: number; wholeRun: boolean; byKind: (RdfState | null)[][] }> {
  const byKind = found.map((f, e) => needs[e].map((need, q) => (need ? new RdfAccumulator(f.cations, all ? f.partners.shellAtoms : atomsOfKind(f.partners, q), bin.rmaxA, bin.bins) : null)));
  let frames = 0, lastIndex = -1;
  for await (const frame of ctx.sample(config.sampleFrames)) {
    if (!frame.box) throw new InputError(`${ctx.file}, frame ${frame.index}: no cell, but solvation shells need one`);
    for (const row of byKind) for (const acc of row) acc?.add(frame.positions, frame.box);
    lastIndex = frame.index;
    frames++;
  }
  if (frames === 0) throw new InputError(`${ctx.file}: no frames left after --begin/--end/--stride`);
  return { frames, lastIndex, wholeRun: frames < config.sampleFrames, byKind: byKind.map((row) => row.map((acc) => acc?.state ?? null)) };
}

const fraction = (x: number) => (Number.isFinite(x) ? x : NaN);

function finishEntry(p: SolvationPrepared, e: EntryPrepared, s: EntryStates): SolvationSection {
  const notes: string[] = [];
  const comp = finishCompositions(s.composition);
  const pairs = s.ionPairs ? finishIonPairs(s.ionPairs) : null;
  const frames = s.composition.frames;
  let res: ResidenceResult | null = null;
  let noResidence: string | null = null;
  if (p.dtPs === null) noResidence = 'the time between frames is unknown (give --dt or --timestep): no residence times';
  else if (s.residence.frames < 2) noResidence = 'fewer than two frames: no residence times';
  else res = finishResidence(s.residence, { dtPs: p.dtPs });
  if (noResidence) notes.push(noResidence);
  if (!pairs) notes.push('no partner kind is an anion (a named molecular anion such as FSI or TFSI, a free halide, or a molecule of negative charge): no ion pairs');

  const dr = p.grRmaxA / p.grBins;
  const runMin = new Map<number, number | null>();
  e.check.forEach((c, g) => {
    const run = finishRdf(mergeRdfStates(c.sample, s.gr[g]));
    const k = e.kinds[c.kind];
    runMin.set(c.kind, run.firstMin?.rA ?? null);
    if (!run.firstMin) notes.push(`${k.name}: the g(r) over the whole run has no clear first minimum, while that over ${firstFrames(k.sampleFrames!)} has one at ${k.cutoffA.toFixed(3)} Å (the cutoff used)`);
    else if (!clearMinimum(run)) notes.push(`${k.name}: the g(r) over the whole run has no clear first minimum (it is above 1 at its lowest point after the peak, ${run.firstMin.rA.toFixed(3)} Å), while that over ${firstFrames(k.sampleFrames!)} has one at ${k.cutoffA.toFixed(3)} Å (the cutoff used)`);
    else if (Math.abs(run.firstMin.rA - k.cutoffA) > CHECK_BINS * dr) {
      notes.push(
        `${k.name}: the first minimum of the g(r) over the whole run, ${run.firstMin.rA.toFixed(3)} Å, differs from that over ${firstFrames(k.sampleFrames!)}, ${k.cutoffA.toFixed(3)} Å (the cutoff used); for the whole run's, give --shell-cutoff ${k.name}=${run.firstMin.rA.toFixed(4)} (or a larger --shell-sample)`,
      );
    }
  });

  const partners: Record<string, PartnerSection> = {};
  e.kinds.forEach((k, q) => {
    const c = comp.kinds[q];
    const r = res?.kinds[q] ?? null;
    // Why there is no τ_res; the fit's notes go with the entry's (S(τ), not reported, goes unsaid).
    const residenceNote =
      noResidence ?? (r && r.residencePs === null ? (r.notes.find((n) => n.startsWith('C(τ)') || n.startsWith(`no ${k.name} was`))?.replace(/longest lag kept$/, 'longest lag kept (--residence-max)') ?? 'no residence time') : null);
    for (const n of r?.notes ?? []) if (n.startsWith('no exponential fit')) notes.push(`${k.name}: ${n}`);
    partners[k.name] = {
      cutoff_A: k.cutoffA,
      cutoff_source: k.source,
      cn: c.meanMolecules,
      residence_ps: r?.residencePs ?? null,
      residence_note: residenceNote,
      molecules: k.molecules,
      anion: k.anion,
      shell_atom_elements: k.elements,
      cutoff_frames: k.sampleFrames,
      cutoff_run_min_A: runMin.get(q) ?? null,
      shell_atoms_cn: c.meanShellAtoms,
      cn_distribution: c.moleculeDistribution,
      denticity: c.denticity,
      free_fraction: c.freeFraction,
      residence_fit_ps: r?.fit?.tauPs ?? null,
      mean_stay_ps: r ? fraction(r.meanStayPs) : null,
      C: r ? Array.from(r.intermittent) : [],
    };
  });

  const chain = e.kinds.findIndex((k) => k.chain);
  const anionNames = e.anionKinds.map((q) => e.kinds[q].name);
  return {
    cation: e.cation,
    count: e.def.cations.length,
    shell_atoms: p.shellAtoms,
    frames,
    dt_ps: p.dtPs,
    partners,
    ion_pairs: pairs
      ? {
          anion: anionNames.join(' + '),
          anions: pairs.anions,
          SSIP: pairs.cation.SSIP,
          CIP: pairs.cation.CIP,
          AGG: pairs.cation.AGG,
          per_anion: { free: pairs.anion.free, CIP: pairs.anion.CIP, AGG: pairs.anion.AGG },
          anions_per_cation: pairs.anionsPerCation,
          cations_per_anion: pairs.cationsPerAnion,
        }
      : null,
    free_anion_fraction: pairs ? pairs.anion.free : null,
    shells: comp.compositions.map((c) => ({ composition: Object.fromEntries(e.kinds.map((k, q) => [k.name, c.counts[q]])), label: c.label, fraction: c.fraction })),
    polymer:
      chain >= 0
        ? { chains: comp.kinds[chain].meanMolecules, ether_O: e.kinds[chain].elements === 'O' ? comp.kinds[chain].meanShellAtoms : null }
        : null,
    exchanges: res
      ? {
          window_ps: res.exchangeWindowFrames * res.dtPs,
          per_cation_per_ns: fraction(res.exchangesPerCationPerNs),
          cross_kind_per_cation_per_ns: fraction(res.crossKindExchangesPerCationPerNs),
          by_kind: res.exchanges.map((x) => ({ from: x.from, to: x.to, events: x.events, per_cation_per_ns: x.perCationPerNs })),
        }
      : null,
    lag_ps: res ? Array.from(res.kinds[0]?.lagPs ?? []) : [],
    method: METHOD,
    notes: [...notes, ...comp.notes, ...(pairs?.notes ?? []), ...(res?.notes ?? [])],
  };
}

export const METHOD =
  'shell: a partner molecule is in a cation\'s first shell when any of its shell atoms is closer than its kind\'s cutoff (minimum image); ' +
  `cutoff: given, or the first minimum of the g(r) of the cation and the kind's shell atoms over the first frames (bins as --rdf, minimum located on g(r) smoothed over ${SMOOTHING_A} Å); ` +
  'cn: mean molecules of the kind per shell; shells: compositions as fractions of cation-frames; ' +
  'ion pairs per cation and frame: SSIP no anion in the shell, CIP exactly one anion that is in no other cation\'s shell, AGG otherwise; per anion: free (in no shell), CIP, AGG; ' +
  'residence: intermittent C(τ) = Σ_pairs Σ_t a(t)a(t+τ)/(T−τ) normalised by C(0) at lags up to --residence-max, τ_res the first lag where C < 1/e (linear interpolation), fit: ln C over 0.9 ≥ C ≥ 0.15 within half the run; ' +
  `exchanges: a partner leaving and another entering the same shell within ${EXCHANGE_WINDOW_FRAMES} frames, per cation per ns`;
