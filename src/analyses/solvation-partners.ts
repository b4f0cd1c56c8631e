import { InputError } from '../model/errors.js';
import type { Topology } from '../model/frame.js';
import { parseLengthA } from '../model/units.js';
import { aliasFormula, MOLECULE_ALIASES, normalizeFormula } from '../select/formula.js';
import type { Molecules } from '../select/molecules.js';
import type { Selection } from '../select/selection.js';

/**
 * Who can sit in a cation's first shell, and with which cutoff: the partner molecules, their
 * kinds and shell atoms, from the system's molecules and the `--shell-atoms` and
 * `--shell-cutoff` options.
 *
 * Partners are molecules as the selection language knows them (a free ion is its own molecule)
 * other than the cations' own. A partner's *kind* is its name: a known molecule's (H2O, FSI,
 * TFSI, EC …, as the selection language names them), an ion's element (Cl), "chain" for a
 * polymer — any molecule of CHAIN_MIN_ATOMS atoms or more, so that PEO chains of different
 * lengths are one kind — and otherwise its Hill formula (C4H10O2 … when no name is known).
 */
export const CHAIN_MIN_ATOMS = 50;

/** Elements whose atoms coordinate cations (the default shell atoms) … */
const DONORS = new Set(['O', 'N', 'F']);
/** … and ions that do when they stand alone (Cl⁻ in NaCl solution; F⁻ is a donor anyway). */
const HALIDES = new Set(['F', 'Cl', 'Br', 'I']);

/** The molecular anions mdpost knows by name, by Hill formula. */
const ANION_FORMULAS = new Set(Object.values(MOLECULE_ALIASES).filter((a) => a.charge !== undefined && a.charge < 0).map((a) => a.formula));

/** What `--shell-atoms` asked for: the default donors, every atom of the partners, or a selection. */
export type ShellAtomsChoice = { mode: 'default' } | { mode: 'all' } | { mode: 'selection'; text: string };

export const DEFAULT_SHELL_ATOMS = 'O, N, F of other molecules, and free halide ions';

export function shellAtomsText(choice: ShellAtomsChoice): string {
  return choice.mode === 'default' ? DEFAULT_SHELL_ATOMS : choice.mode === 'all' ? 'all atoms of the partner molecules' : choice.text;
}

export interface PartnerKind {
  name: string;
  /** Hill formula of its molecules (null for chains, whose lengths may differ). */
  formula: string | null;
  molecules: number;
  /** Counted as an anion for ion pairs. */
  anion: boolean;
  chain: boolean;
  /** Elements of its shell atoms, e.g. "O" or "F, N, O". */
  elements: string;
}

export interface Partners {
  /** Shell atoms, ascending, with the molecule (index into Molecules) and kind of each. */
  shellAtoms: Int32Array;
  moleculeOf: Int32Array;
  kindOf: Int32Array;
  /** Most molecules first (ties by name). */
  kinds: PartnerKind[];
}

/** The name of a kind of molecule: a known name, an ion's element, "chain", or the formula. */
export function kindName(formula: string, atoms: number): string {
  const alias = Object.entries(MOLECULE_ALIASES).find(([, a]) => a.formula === formula);
  if (alias) return alias[0];
  if (atoms >= CHAIN_MIN_ATOMS) return 'chain';
  return formula;
}

/**
 * The partners of the cations (atoms `cations`): the molecules, other than those that hold a
 * cation, with shell atoms. By default the shell atoms are the O, N and F atoms and free halide
 * ions; `all` takes every atom of those same molecules; a selection takes its atoms. Throws an
 * InputError when there are none.
 */
export function findPartners(top: Topology, mols: Molecules, cations: Int32Array, choice: ShellAtomsChoice, select: (text: string) => Selection, cationText: string): Partners {
  const elements = top.elements;
  const mine = new Uint8Array(mols.count);
  for (const c of cations) mine[mols.ofAtom[c]] = 1;
  const size = (m: number) => mols.start[m + 1] - mols.start[m];
  const isDonor = (i: number) => DONORS.has(elements![i]) || (HALIDES.has(elements![i]) && size(mols.ofAtom[i]) === 1);
  let atoms: number[];
  if (choice.mode === 'selection') {
    atoms = Array.from(select(choice.text).atoms).filter((i) => !mine[mols.ofAtom[i]]);
    if (atoms.length === 0) throw new InputError(`--shell-atoms ${JSON.stringify(choice.text)}: it selects no atom outside the molecules of the cations (${cationText})`);
  } else {
    if (!elements) {
      throw new InputError(
        `the shell atoms (${choice.mode === 'all' ? 'the molecules with O, N, F' : DEFAULT_SHELL_ATOMS}) are found by element, and the file names no elements; give --type-map, --topology, or --shell-atoms with a selection the file can answer (e.g. "type 3")`,
      );
    }
    const n = top.natoms;
    const partner = new Uint8Array(mols.count);
    for (let i = 0; i < n; i++) if (!mine[mols.ofAtom[i]] && isDonor(i)) partner[mols.ofAtom[i]] = 1;
    atoms = [];
    for (let i = 0; i < n; i++) if (partner[mols.ofAtom[i]] && (choice.mode === 'all' || isDonor(i))) atoms.push(i);
    if (atoms.length === 0) throw new InputError(`no molecule other than the cations' (${cationText}) has O, N or F atoms or is a halide ion: nothing can be in a shell; choose shell atoms with --shell-atoms`);
  }

  // Kinds by name, counted by molecule.
  const byName = new Map<string, { formula: string | null; molecules: Set<number>; elements: Set<string>; first: number }>();
  const nameOf = new Map<number, string>();
  for (const i of atoms) {
    const m = mols.ofAtom[i];
    let name = nameOf.get(m);
    if (name === undefined) {
      name = kindName(mols.formula[m], size(m));
      nameOf.set(m, name);
    }
    let k = byName.get(name);
    if (!k) byName.set(name, (k = { formula: name === 'chain' ? null : mols.formula[m], molecules: new Set(), elements: new Set(), first: m }));
    k.molecules.add(m);
    k.elements.add(elements ? elements[i] : '?');
  }
  const names = [...byName.keys()].sort((a, b) => byName.get(b)!.molecules.size - byName.get(a)!.molecules.size || (a < b ? -1 : a > b ? 1 : 0));
  const kinds: PartnerKind[] = names.map((name) => {
    const k = byName.get(name)!;
    return { name, formula: k.formula, molecules: k.molecules.size, anion: isAnion(top, mols, k.first, k.formula), chain: name === 'chain', elements: [...k.elements].sort().join(', ') };
  });
  const index = new Map(names.map((n, k) => [n, k]));
  return {
    shellAtoms: Int32Array.from(atoms),
    moleculeOf: Int32Array.from(atoms, (i) => mols.ofAtom[i]),
    kindOf: Int32Array.from(atoms, (i) => index.get(nameOf.get(mols.ofAtom[i])!)!),
    kinds,
  };
}

/**
 * An anion: a molecular anion mdpost knows by name (FSI⁻, TFSI⁻, PF6⁻ …), a halide standing
 * alone, or — when the topology has charges — a molecule whose charges sum below −½ e.
 */
function isAnion(top: Topology, mols: Molecules, m: number, formula: string | null): boolean {
  const size = mols.start[m + 1] - mols.start[m];
  if (formula !== null && ANION_FORMULAS.has(formula)) return true;
  if (size === 1 && top.elements && HALIDES.has(top.elements[mols.atoms[mols.start[m]]])) return true;
  if (top.charges) {
    let q = 0;
    for (let p = mols.start[m]; p < mols.start[m + 1]; p++) q += top.charges[mols.atoms[p]];
    return q < -0.5;
  }
  return false;
}

/** `--shell-cutoff`: one length for every kind, lengths by kind, or both (the bare one for the kinds not named). */
export interface ShellCutoffs {
  all: number | null;
  byKind: [string, number][];
}

export function parseShellCutoffs(text: string, flag: string): ShellCutoffs {
  const out: ShellCutoffs = { all: null, byKind: [] };
  const items = text.split(',').map((s) => s.trim());
  const example = 'e.g. 3.2 or "H2O=3.2,FSI=3.4"';
  for (const item of items) {
    if (item === '') throw new InputError(`${flag}: an empty item in ${JSON.stringify(text)} (${example})`);
    const eq = item.indexOf('=');
    const value = (t: string, what: string) => {
      const r = parseLengthA(t.trim(), `${flag} ${what}`);
      if (!(r > 0) || !Number.isFinite(r)) throw new InputError(`${flag}: the cutoff ${what} must be a positive length, not ${JSON.stringify(t.trim())}`);
      return r;
    };
    if (eq < 0) {
      if (out.all !== null) throw new InputError(`${flag}: two cutoffs for all kinds in ${JSON.stringify(text)}; name the kinds (${example})`);
      out.all = value(item, 'for all kinds');
      continue;
    }
    const name = item.slice(0, eq).trim();
    if (!name) throw new InputError(`${flag}: a cutoff without a kind in ${JSON.stringify(text)} (${example})`);
    if (out.byKind.some(([n]) => n.toLowerCase() === name.toLowerCase())) throw new InputError(`${flag}: ${name} is given twice`);
    out.byKind.push([name, value(item.slice(eq + 1), `of ${name}`)]);
  }
  return out;
}

/** Whether a name given by the user means this kind: its name, "water", a known alias or a formula of its molecules. */
export function namesKind(name: string, kind: PartnerKind): boolean {
  const lower = name.toLowerCase();
  if (lower === kind.name.toLowerCase()) return true;
  if (kind.formula === null) return false;
  if (lower === 'water') return kind.formula === 'H2O';
  const formula = aliasFormula(name) ?? normalizeFormula(name.replace(/^mol:/i, ''));
  return formula === kind.formula;
}
