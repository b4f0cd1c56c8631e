import type { Topology } from '../model/frame.js';
import { MOLECULE_ALIASES } from '../select/formula.js';
import type { Molecules } from '../select/molecules.js';
import type { ParticleDef } from '../select/particles.js';
import type { Selection } from '../select/selection.js';

/**
 * The charge of the ions of an `--msd` selection, for the conductivity. A selection is a set of
 * ions when each of its particles is whole: a molecule (selected as molecules, moving as its
 * centre of mass), an atom alone in its molecule, or a metal cation. Atoms that are parts of
 * larger molecules (the O of water, the S of FSI⁻) carry partial charges, not ionic ones.
 *
 * Where the charge comes from, in order:
 *  1. the per-atom charges of the topology (a LAMMPS data file's `q`, a dump's `q` column),
 *     summed over each ion's atoms — what the simulation moved;
 *  2. `--charges "Na=+1,FSI=-1"` (selection text = charge);
 *  3. the formal charge of an ion mdpost knows: Li⁺, Na⁺, K⁺, Rb⁺, Cs⁺ +1; Mg²⁺, Ca²⁺, Sr²⁺,
 *     Ba²⁺, Zn²⁺ +2; unbonded F⁻, Cl⁻, Br⁻, I⁻ −1; the molecular anions of MOLECULE_ALIASES
 *     (FSI⁻, TFSI⁻, PF6⁻, BF4⁻, ClO4⁻, DFOB⁻, BOB⁻, OTf⁻) by formula, and 0 for the neutral
 *     molecules it names (H2O, EC, PC, DMC, DME).
 * A `--charges` value that contradicts the topology's charges is an error, not a silent choice.
 */
export type ChargeSource = 'topology' | '--charges' | 'formal';

export type IonCharge =
  | { kind: 'ion'; chargeE: number; source: ChargeSource }
  /** Whole particles without net charge (water, a solvent): not ions. */
  | { kind: 'neutral'; source: ChargeSource }
  /** Parts of larger molecules: not ions. */
  | { kind: 'part' }
  | { kind: 'unknown'; why: string }
  | { kind: 'conflict'; why: string };

export const FORMAL_CHARGES: Readonly<Record<string, number>> = {
  Li: 1, Na: 1, K: 1, Rb: 1, Cs: 1,
  Mg: 2, Ca: 2, Sr: 2, Ba: 2, Zn: 2,
  F: -1, Cl: -1, Br: -1, I: -1,
};
const METAL_CATIONS = new Set(Object.keys(FORMAL_CHARGES).filter((e) => FORMAL_CHARGES[e] > 0));

/** Charges of the known molecules (anions −1, named solvents 0), by Hill formula. */
const MOLECULE_CHARGES = new Map<string, number>(Object.values(MOLECULE_ALIASES).map((a) => [a.formula, a.charge ?? 0]));

/** Charges of ions of one kind agree within this (e); charges below it are no charge. */
export const CHARGE_TOLERANCE_E = 1e-3;

/** Parse `--charges "Na=+1,FSI=-1"`: selection text = charge (e). */
export function parseChargeList(text: string, name: string, fail: (message: string) => Error): [string, number][] {
  const out: [string, number][] = [];
  for (const item of text.split(',')) {
    const k = item.lastIndexOf('=');
    const sel = k < 0 ? '' : item.slice(0, k).trim();
    const value = k < 0 ? NaN : Number(item.slice(k + 1).trim());
    if (sel === '' || !Number.isFinite(value) || item.slice(k + 1).trim() === '') {
      throw fail(`${name}: expected selection=charge pairs separated by commas, e.g. "Na=+1,FSI=-1", not ${JSON.stringify(item.trim())}`);
    }
    if (out.some(([s]) => s === sel)) throw fail(`${name}: ${JSON.stringify(sel)} is given twice`);
    out.push([sel, value]);
  }
  return out;
}

/** Whether every particle of a selection is a whole ion or molecule (not part of a larger molecule). */
function wholeParticles(sel: Selection, top: Topology, molecules: () => Molecules): boolean {
  if (sel.kind === 'molecules') return true;
  const elements = top.elements;
  if (elements && sel.atoms.every((i) => METAL_CATIONS.has(elements[i]))) return true;
  const mols = molecules();
  return sel.atoms.every((i) => mols.start[mols.ofAtom[i] + 1] - mols.start[mols.ofAtom[i]] === 1);
}

/** The net charge of each particle: the sum of its atoms' charges. */
function particleCharges(def: ParticleDef, charges: Float64Array): number[] {
  const out: number[] = [];
  for (let q = 0; q < def.count; q++) {
    let z = 0;
    for (let r = def.start[q]; r < def.start[q + 1]; r++) z += charges[def.member[r]];
    out.push(z);
  }
  return out;
}

/** The one charge of a set of ions, or why there is none. */
function common(values: number[]): { z: number } | { spread: [number, number] } {
  const lo = Math.min(...values), hi = Math.max(...values);
  if (hi - lo > CHARGE_TOLERANCE_E) return { spread: [lo, hi] };
  return { z: values.reduce((a, b) => a + b, 0) / values.length };
}

const show = (z: number) => `${z > 0 ? '+' : ''}${Number(z.toPrecision(6))}`;

export function ionCharge(sel: Selection, def: ParticleDef, top: Topology, molecules: () => Molecules, given: ReadonlyMap<string, number>): IonCharge {
  const asked = given.get(sel.text);
  const whole = def.count > 0 && wholeParticles(sel, top, molecules);
  if (!whole && asked === undefined) return { kind: 'part' };
  const result = (z: number, source: ChargeSource): IonCharge => (Math.abs(z) < CHARGE_TOLERANCE_E ? { kind: 'neutral', source } : { kind: 'ion', chargeE: z, source });

  if (top.charges && whole) {
    const c = common(particleCharges(def, top.charges));
    if ('spread' in c) {
      return { kind: 'conflict', why: `its particles carry different charges (${show(c.spread[0])} to ${show(c.spread[1])} e, summed over each one's atoms): select each kind of ion separately` };
    }
    if (asked !== undefined && Math.abs(asked - c.z) > CHARGE_TOLERANCE_E) {
      return {
        kind: 'conflict',
        why: `--charges gives ${show(asked)} e, but the topology's charges sum to ${show(c.z)} e over each one, and those are the charges the simulation moved: leave it out of --charges`,
      };
    }
    return result(c.z, 'topology');
  }
  if (asked !== undefined) return result(asked, '--charges');

  const elements = top.elements;
  if (sel.kind === 'atoms') {
    if (!elements) return { kind: 'unknown', why: 'the file names no elements' };
    const z = new Set(Array.from(sel.atoms, (i) => FORMAL_CHARGES[elements[i]]));
    const known = !z.has(undefined as unknown as number);
    if (z.size === 1 && known) return result([...z][0], 'formal');
    if (known) return { kind: 'conflict', why: `its atoms carry different formal charges (${[...z].map(show).join(', ')} e): select each kind of ion separately` };
    const names = [...new Set(Array.from(sel.atoms, (i) => elements[i]))].filter((el) => FORMAL_CHARGES[el] === undefined).join(', ');
    return { kind: 'unknown', why: `mdpost knows no formal charge of ${names} atoms` };
  }
  const mols = molecules();
  const z = new Set(Array.from(sel.molecules!, (k) => MOLECULE_CHARGES.get(mols.formula[k])));
  if (z.size === 1 && !z.has(undefined)) return result([...z][0]!, 'formal');
  if (!z.has(undefined)) return { kind: 'conflict', why: `its molecules carry different formal charges (${[...z].map((v) => show(v!)).join(', ')} e): select each kind of ion separately` };
  const formulas = [...new Set(Array.from(sel.molecules!, (k) => mols.formula[k]))].filter((f) => !MOLECULE_CHARGES.has(f));
  return { kind: 'unknown', why: `mdpost knows no formal charge of ${formulas.join(', ')} molecules` };
}
