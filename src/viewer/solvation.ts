import { finishRdf } from '../analysis/rdf-shell.js';
import { maxRmax, RdfAccumulator } from '../analysis/rdf.js';
import { defineShells, ShellFinder, type FrameShells, type ShellDefinition } from '../analysis/solvation-shell.js';
import { perpendicularWidths, type Box } from '../model/box.js';
import { isFreeCation } from '../model/elements.js';
import { InputError } from '../model/errors.js';
import type { Topology } from '../model/frame.js';
import { parseLengthA } from '../model/units.js';
import type { Molecules } from '../select/molecules.js';
import { select, type Selection } from '../select/selection.js';
import type { AnalysisSolvation } from './analysis-solvation.js';
import type { FrameSolvation, IonClass, KindSetup, SolvationSetup, SolvationTimeline } from './api.js';
import type { MoleculeKinds } from './kinds.js';
import { MinimumImage } from './measure.js';

/**
 * First solvation shells as the viewer draws them, for the ions and shell atoms chosen in the
 * page: which partner molecules (whole) are in each ion's shell at a frame, and each cation's
 * ion-pair class. The shells are the library's (analysis/solvation-shell.ts): a partner is in
 * an ion's shell when any of its shell atoms lies within its kind's cutoff, minimum image.
 * Shell atoms are those of the shell selection outside the ions; a partner is never the ion's
 * own molecule. Classes, per cation and frame, relative to the anion kinds (as in
 * analysis/ion-pairs.ts): SSIP — no anion in the shell; CIP — exactly one, in no other
 * highlighted cation's shell; AGG — otherwise.
 */
export interface SolvationRequest {
  ions: string;
  shell: string;
  /** "" (every kind by default), "3.2" (every kind), "H2O=3.2,FSI=3.4" (those kinds). */
  cutoff: string;
}

export interface SolvationSystem {
  topology: Topology;
  molecules: Molecules;
  kinds: MoleculeKinds;
  /** Frames as read (file orientation, wrapped as the file has them) and their cells. */
  raw: Float64Array[];
  boxes: (Box | null)[];
  timesPs: (number | null)[];
  /** Solvation entries of the analysis document, whose cutoffs are the defaults when they apply. */
  analysis: AnalysisSolvation[];
}

/** Highlighting more atoms than this would send the page more than it can draw. */
export const MAX_IONS = 5000;
/** The default cutoffs' g(r) is taken over at most this many of the frames shown, evenly spread. */
export const GOFR_FRAMES = 200;
/** When a kind's g(r) has no clear minimum and neither has the g(r) of all shell atoms. */
export const FALLBACK_CUTOFF_A = 3.2;
const GOFR_RMAX_A = 8;
const GOFR_BIN_A = 0.02;

export const CLASSES: readonly IonClass[] = ['SSIP', 'CIP', 'AGG'];

/** Elements whose lone ions the solvation analysis counts among its default shell atoms. */
const HALOGENS = ['Cl', 'Br', 'I'];

/** The page's default shell atoms: the electronegative atoms O, N, F the file has, else its heavy atoms. */
export function defaultShellAtoms(top: Topology, ions: string): string {
  const present = ['O', 'N', 'F'].filter((e) => top.elements?.includes(e));
  if (present.length > 0) return `element ${present.join(' ')}`;
  return top.elements ? `not H and not (${ions})` : `not (${ions})`;
}

export class SolvationView {
  readonly setup: SolvationSetup;
  private readonly def: ShellDefinition;
  private readonly finder: ShellFinder;
  /** The highlighted atoms, and their slots among the shell search's centres. */
  private readonly ions: Int32Array;
  private readonly slot: Int32Array;
  /** Molecule of each centre (a partner is never a centre's own molecule). */
  private readonly centreMolecule: Int32Array;
  /** Per ShellDefinition kind: is it an anion; null when classes do not apply. */
  private readonly anionKind: boolean[] | null;
  private readonly cache = new Map<number, FrameSolvation>();
  private timelineMemo: SolvationTimeline | null = null;
  private partnerShellAtoms: number[][] | null = null;

  private constructor(
    private readonly sys: SolvationSystem,
    req: SolvationRequest,
    ionSel: Selection,
    shellSel: Selection,
  ) {
    const { molecules: mols, kinds: mk, topology: top } = sys;
    this.ions = ionSel.atoms;
    // Highlighted cations are classed among all cations of their elements: one Na's anion that
    // another Na shares makes an aggregate whether or not that other Na is highlighted.
    const cations = top.elements !== null && Array.from(this.ions).every((i) => isFreeCation(top.elements![i]));
    const group = cations ? cationGroup(top.elements!, this.ions) : ionSel;
    const centres = group.atoms;
    const slotOf = new Map<number, number>();
    centres.forEach((a, q) => slotOf.set(a, q));
    this.slot = Int32Array.from(this.ions, (a) => slotOf.get(a)!);
    this.centreMolecule = Int32Array.from(centres, (i) => mols.ofAtom[i]);
    const isCentre = new Set(centres);
    const shellAtoms = Array.from(shellSel.atoms).filter((i) => !isCentre.has(i));
    if (shellAtoms.length === 0) throw new InputError(`shell atoms ${JSON.stringify(shellSel.text)}: none outside the highlighted atoms ${JSON.stringify(group.text)}`);
    // Partner kinds: the molecule kinds that have shell atoms, in order of first appearance.
    const kindSlot = new Map<number, number>();
    const kindOfAtom = shellAtoms.map((i) => {
      const k = mk.ofMolecule[mols.ofAtom[i]];
      let s = kindSlot.get(k);
      if (s === undefined) kindSlot.set(k, (s = kindSlot.size));
      return s;
    });
    const kindIds = [...kindSlot.keys()];
    const names = kindIds.map((k) => mk.names[k]);
    const notes: string[] = [];
    const entry = this.analysisEntry(group, shellSel);
    const cutoffs = this.chooseCutoffs(req, group, shellSel, entry, names, shellAtoms, kindOfAtom, notes);
    this.def = defineShells({ cations: centres, shellAtoms, moleculeOf: shellAtoms.map((i) => mols.ofAtom[i]), kindOf: kindOfAtom, kinds: names, cutoffA: cutoffs.map((c) => c.cutoffA) });
    this.finder = new ShellFinder(this.def);
    const anionKinds = kindIds.map((k) => mk.anion[k]);
    this.anionKind = cations && anionKinds.some((a) => a) ? anionKinds : null;
    if (cations && !this.anionKind) notes.push('no anion among the shell partners: ion-pair classes need one (FSI, TFSI, PF6 … or a halide)');

    const kinds: KindSetup[] = names.map((name, s) => {
      let molecules = 0, atoms = 0;
      for (let p = 0; p < this.def.partnerKind.length; p++) {
        if (this.def.partnerKind[p] !== s) continue;
        molecules++;
        atoms += this.def.partnerShellAtoms[p];
      }
      return { name, molecules, shellAtoms: atoms, cutoffA: cutoffs[s].cutoffA, source: cutoffs[s].source, anion: anionKinds[s] };
    });
    // Solvent: molecules that are not ions of any kind and hold no highlighted atom.
    const solventAtoms: number[] = [];
    const ionMolecules = new Set(Array.from(this.ions, (i) => mols.ofAtom[i]));
    for (let m = 0; m < mols.count; m++) {
      const k = mk.ofMolecule[m];
      if (mk.anion[k] || mk.cation[k] || ionMolecules.has(m)) continue;
      for (let p = mols.start[m]; p < mols.start[m + 1]; p++) solventAtoms.push(mols.atoms[p]);
    }
    solventAtoms.sort((a, b) => a - b);
    this.setup = {
      ions: { selection: ionSel.text, atoms: Array.from(this.ions), cations },
      shell: { selection: shellSel.text, atoms: shellAtoms.length },
      cutoff: req.cutoff,
      kinds,
      anions: this.anionKind ? names.filter((_, s) => anionKinds[s]) : [],
      solventAtoms,
      run: runSummary(entry, names),
      notes,
    };
  }

  /** Evaluate a request; a bad selection, cutoff or combination is an InputError with the command line's message. */
  static create(sys: SolvationSystem, req: SolvationRequest): SolvationView {
    const ctx = { topology: sys.topology, molecules: () => sys.molecules };
    const ionSel = select(req.ions, ctx);
    if (ionSel.atoms.length > MAX_IONS) throw new InputError(`selection ${JSON.stringify(req.ions)}: ${ionSel.atoms.length} atoms; the viewer highlights at most ${MAX_IONS}`);
    const shellSel = select(req.shell, ctx);
    return new SolvationView(sys, req, ionSel, shellSel);
  }

  get frames(): number {
    return this.sys.raw.length;
  }

  /** The shells and classes at view frame k (the last few frames asked for are kept). */
  frame(k: number): FrameSolvation {
    const hit = this.cache.get(k);
    if (hit) {
      this.cache.delete(k);
      this.cache.set(k, hit);
      return hit;
    }
    const positions = this.sys.raw[k], box = this.sys.boxes[k];
    const shells = this.shells(k);
    const classes = this.classesOf(shells);
    const def = this.def, mols = this.sys.molecules;
    const image = new MinimumImage(box);
    const partnerAtoms = new Set<number>();
    const contactAtoms = new Set<number>();
    const atomsOfPartner = this.shellAtomsOfPartner();
    const ions: FrameSolvation['ions'] = [];
    for (let h = 0; h < this.ions.length; h++) {
      const ion = this.ions[h], c = this.slot[h];
      const partners: FrameSolvation['ions'][number]['partners'] = [];
      for (let e = shells.start[c]; e < shells.start[c + 1]; e++) {
        const p = shells.partner[e];
        const molecule = def.partnerMolecule[p];
        if (molecule === this.centreMolecule[c]) continue;
        const kind = def.partnerKind[p];
        const r2 = def.cutoffA[kind] ** 2;
        const contacts = atomsOfPartner[p].filter((j) => {
          const [x, y, z] = image.vector(positions, ion, j);
          return x * x + y * y + z * z < r2;
        });
        partners.push({ molecule, kind, contacts });
        contacts.forEach((j) => contactAtoms.add(j));
        for (let q = mols.start[molecule]; q < mols.start[molecule + 1]; q++) partnerAtoms.add(mols.atoms[q]);
      }
      ions.push({ atom: ion, class: classes ? CLASSES[classes[c]] : null, partners });
    }
    const out: FrameSolvation = { frame: k, ions, partnerAtoms: sorted(partnerAtoms), contactAtoms: sorted(contactAtoms) };
    this.cache.set(k, out);
    if (this.cache.size > 64) this.cache.delete(this.cache.keys().next().value!);
    return out;
  }

  /** Classes and partners per kind at every frame shown. */
  timeline(): SolvationTimeline {
    if (this.timelineMemo) return this.timelineMemo;
    const n = this.frames, nk = this.def.kinds.length, nh = this.ions.length;
    const classes = this.anionKind ? { SSIP: new Array<number>(n).fill(0), CIP: new Array<number>(n).fill(0), AGG: new Array<number>(n).fill(0) } : null;
    const partners = this.def.kinds.map(() => new Array<number>(n).fill(0));
    for (let k = 0; k < n; k++) {
      const shells = this.shells(k);
      const cls = this.classesOf(shells);
      const count = new Float64Array(nk);
      for (let h = 0; h < nh; h++) {
        const c = this.slot[h];
        if (classes && cls) classes[CLASSES[cls[c]]][k]++;
        for (let e = shells.start[c]; e < shells.start[c + 1]; e++) {
          const p = shells.partner[e];
          if (this.def.partnerMolecule[p] !== this.centreMolecule[c]) count[this.def.partnerKind[p]]++;
        }
      }
      for (let s = 0; s < nk; s++) partners[s][k] = nh > 0 ? count[s] / nh : 0;
    }
    this.timelineMemo = { timePs: [...this.sys.timesPs], classes, partners: Object.fromEntries(this.def.kinds.map((name, s) => [name, partners[s]])) };
    return this.timelineMemo;
  }

  private shells(k: number): FrameShells {
    try {
      return this.finder.find(this.sys.raw[k], this.sys.boxes[k]);
    } catch (e) {
      // A cell that shrank below twice a cutoff (NpT) makes the minimum image ambiguous.
      if (e instanceof RangeError) throw new InputError(`frame ${k}: ${e.message}`);
      throw e;
    }
  }

  /** Class index (0 SSIP, 1 CIP, 2 AGG) of each centre, or null when classes do not apply. */
  private classesOf(shells: FrameShells): Uint8Array | null {
    const anion = this.anionKind;
    if (!anion) return null;
    const def = this.def;
    const centres = def.cations.length;
    const holders = new Map<number, number>();
    const first = new Int32Array(centres).fill(-1);
    const count = new Int32Array(centres);
    for (let c = 0; c < centres; c++) {
      for (let e = shells.start[c]; e < shells.start[c + 1]; e++) {
        const p = shells.partner[e];
        if (!anion[def.partnerKind[p]] || def.partnerMolecule[p] === this.centreMolecule[c]) continue;
        if (count[c]++ === 0) first[c] = p;
        holders.set(p, (holders.get(p) ?? 0) + 1);
      }
    }
    return Uint8Array.from(count, (n, c) => (n === 0 ? 0 : n === 1 && holders.get(first[c]) === 1 ? 1 : 2));
  }

  private shellAtomsOfPartner(): number[][] {
    if (this.partnerShellAtoms) return this.partnerShellAtoms;
    const lists: number[][] = Array.from({ length: this.def.partnerKind.length }, () => []);
    this.def.shellAtoms.forEach((atom, j) => lists[this.def.shellPartner[j]].push(atom));
    return (this.partnerShellAtoms = lists);
  }

  /** The analysis document's solvation entry for these ions and shell atoms, if it has one. */
  private analysisEntry(group: Group, shellSel: Selection): AnalysisSolvation | null {
    const ctx = { topology: this.sys.topology, molecules: () => this.sys.molecules };
    const same = (text: string, sel: Group) => {
      if (text === sel.text) return true;
      try {
        const other = select(text, ctx).atoms;
        return other.length === sel.atoms.length && other.every((a, i) => a === sel.atoms[i]);
      } catch {
        return false;
      }
    };
    // The analysis's default (O, N, F of other molecules and free halide ions) is the viewer's
    // when the system has no halogen that could be a free ion.
    const analysisDefault = () => !HALOGENS.some((e) => this.sys.topology.elements?.includes(e)) && same(defaultShellAtoms(this.sys.topology, group.text), shellSel);
    return this.sys.analysis.find((e) => same(e.cation, group) && (e.shellDefault ? analysisDefault() : e.shellAtoms === null || same(e.shellAtoms, shellSel))) ?? null;
  }

  /**
   * Each kind's cutoff: given in the request, else the analysis document's for these ions and
   * shell atoms, else the first minimum of the ion–kind g(r) over the frames shown.
   */
  private chooseCutoffs(req: SolvationRequest, group: Group, shellSel: Selection, entry: AnalysisSolvation | null, names: string[], shellAtoms: number[], kindOfAtom: number[], notes: string[]): { cutoffA: number; source: string }[] {
    const given = parseCutoffSpec(req.cutoff, names);
    let overall: { cutoffA: number; source: string } | null | undefined;
    const fallback = () => {
      if (overall === undefined) {
        const r = this.gofrMinimum(group.atoms, Int32Array.from(shellAtoms));
        overall = r === null ? null : { cutoffA: r, source: `first minimum of the ${group.text}–(${shellSel.text}) g(r) over all shell atoms` };
      }
      return overall ?? { cutoffA: FALLBACK_CUTOFF_A, source: `${FALLBACK_CUTOFF_A} Å (no g(r) minimum found)` };
    };
    const out = names.map((name, s) => {
      const g = given.byKind.get(name) ?? given.all;
      if (g !== null) return { cutoffA: g, source: 'given' };
      const fromAnalysis = entry?.partners.get(name);
      if (fromAnalysis?.cutoffA) return { cutoffA: fromAnalysis.cutoffA, source: `the analysis: ${fromAnalysis.source ?? 'its cutoff'}` };
      const atoms = Int32Array.from(shellAtoms.filter((_, j) => kindOfAtom[j] === s));
      const r = this.gofrMinimum(group.atoms, atoms);
      if (r !== null) return { cutoffA: r, source: `first minimum of the ${group.text}–${name} g(r) (its shell atoms) over ${this.gofrFrames().length} frames shown` };
      const f = fallback();
      notes.push(`${name}: the ${group.text}–${name} g(r) has no clear first minimum; its cutoff is ${f.cutoffA.toFixed(2)} Å, the ${f.source}`);
      return f;
    });
    // A cutoff beyond half the cell's width would meet an atom's own periodic image.
    let half = Infinity;
    for (const b of this.sys.boxes) if (b) half = Math.min(half, ...perpendicularWidths(b).filter((_, k) => b.pbc[k]).map((w) => w / 2));
    out.forEach((c, s) => {
      if (c.cutoffA > half) throw new InputError(`shell cutoff ${c.cutoffA} Å for ${names[s]} exceeds half the cell's width (${half.toFixed(2)} Å), where the minimum image stops being unique; give a smaller cutoff`);
    });
    return out;
  }

  private gofrFrames(): number[] {
    const n = this.sys.raw.length;
    const m = Math.min(n, GOFR_FRAMES);
    return Array.from({ length: m }, (_, i) => Math.floor((i * n) / m));
  }

  /** First minimum of the g(r) between two groups over (up to GOFR_FRAMES of) the frames shown; null without a cell or a clear minimum. */
  private gofrMinimum(a: Int32Array, b: Int32Array): number | null {
    const frames = this.gofrFrames();
    const boxes = frames.map((k) => this.sys.boxes[k]);
    if (b.length === 0 || boxes.some((x) => !x || !x.pbc.every((p) => p))) return null;
    const rmax = Math.min(GOFR_RMAX_A, ...boxes.map((x) => maxRmax(x!)));
    const acc = new RdfAccumulator(a, b, rmax, Math.max(10, Math.round(rmax / GOFR_BIN_A)));
    frames.forEach((k, i) => acc.add(this.sys.raw[k], boxes[i]!));
    return finishRdf(acc.state).firstMin?.rA ?? null;
  }
}

/** "3.2" → every kind; "H2O=3.2, FSI=3.4 Å" → those kinds; "" → none. Unknown kinds are errors naming the known ones. */
export function parseCutoffSpec(text: string, kinds: readonly string[]): { all: number | null; byKind: Map<string, number> } {
  const t = text.trim();
  const byKind = new Map<string, number>();
  if (t === '' || t.toLowerCase() === 'auto') return { all: null, byKind };
  if (!t.includes('=')) {
    const r = parseLengthA(t, 'shell cutoff');
    if (!(r > 0)) throw new InputError(`shell cutoff: expected a positive length, not ${JSON.stringify(t)}`);
    return { all: r, byKind };
  }
  for (const part of t.split(',')) {
    const m = /^\s*([^=\s]+)\s*=\s*(.+?)\s*$/.exec(part);
    if (!m) throw new InputError(`shell cutoff ${JSON.stringify(text)}: expected KIND=LENGTH pairs separated by commas (e.g. "H2O=3.2,FSI=3.4"), not ${JSON.stringify(part.trim())}`);
    const kind = kinds.find((k) => k === m[1]) ?? kinds.find((k) => k.toLowerCase() === m[1].toLowerCase());
    if (!kind) throw new InputError(`shell cutoff ${JSON.stringify(text)}: no partner kind ${JSON.stringify(m[1])}; the kinds with shell atoms are ${kinds.join(', ')}`);
    const r = parseLengthA(m[2], `shell cutoff of ${kind}`);
    if (!(r > 0)) throw new InputError(`shell cutoff of ${kind}: expected a positive length, not ${JSON.stringify(m[2])}`);
    byKind.set(kind, r);
  }
  return { all: null, byKind };
}

/** Atoms a shell search centres on, and how to name them. */
interface Group {
  text: string;
  atoms: Int32Array;
}

/** Every atom of the highlighted cations' elements ("Na", "Li or Na"). */
function cationGroup(elements: readonly string[], ions: Int32Array): Group {
  const els = [...new Set(Array.from(ions, (i) => elements[i]))];
  const atoms: number[] = [];
  elements.forEach((e, i) => {
    if (els.includes(e)) atoms.push(i);
  });
  return { text: els.join(' or '), atoms: Int32Array.from(atoms) };
}

function runSummary(entry: AnalysisSolvation | null, names: string[]): SolvationSetup['run'] {
  if (!entry) return null;
  const cn: Record<string, number> = {};
  for (const name of names) {
    const v = entry.partners.get(name)?.cn;
    if (v !== null && v !== undefined) cn[name] = v;
  }
  const ip = entry.ionPairs;
  const classes = ip && ip.SSIP !== null && ip.CIP !== null && ip.AGG !== null ? { SSIP: ip.SSIP, CIP: ip.CIP, AGG: ip.AGG } : null;
  return { cn, classes, anion: ip?.anion ?? null };
}

function sorted(s: Set<number>): number[] {
  return [...s].sort((a, b) => a - b);
}
