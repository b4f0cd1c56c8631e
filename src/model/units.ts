import { InputError } from './errors.js';

/**
 * Times on the command line carry units ("0.2ps", "200fs", "1ns"); a bare number is ps.
 * Lengths are Å unless given as "1.2nm".
 */
const TIME_IN_PS: Record<string, number> = { fs: 1e-3, ps: 1, ns: 1e3, us: 1e6, µs: 1e6, ms: 1e9, s: 1e12 };
const LENGTH_IN_A: Record<string, number> = { a: 1, å: 1, ang: 1, angstrom: 1, nm: 10, pm: 0.01, bohr: 0.52917721092 };

function parseQuantity(text: string, table: Record<string, number>, what: string, defaultUnit: string): number {
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-zµÅå]*)\s*$/.exec(text);
  if (!m) throw new InputError(`${what}: expected a number with an optional unit (e.g. "0.5${defaultUnit}"), not ${JSON.stringify(text)}`);
  const unit = m[2].toLowerCase();
  const scale = unit === '' ? 1 : table[unit];
  if (scale === undefined) {
    throw new InputError(`${what}: unknown unit ${JSON.stringify(m[2])} in ${JSON.stringify(text)}; use one of ${Object.keys(table).join(', ')}`);
  }
  return Number(m[1]) * scale;
}

/** A time in ps from "0.2ps", "200fs", "1ns" or a bare number (ps). */
export function parseTimePs(text: string, what = 'time'): number {
  return parseQuantity(text, TIME_IN_PS, what, 'ps');
}

/** A length in Å from "12", "12A" or "1.2nm". */
export function parseLengthA(text: string, what = 'length'): number {
  return parseQuantity(text, LENGTH_IN_A, what, 'A');
}

/** The time unit of LAMMPS's `ITEM: TIME` for each unit style, in ps (null for lj: reduced units). */
export const LAMMPS_TIME_UNIT_PS: Record<string, number | null> = {
  real: 1e-3,
  metal: 1,
  si: 1e12,
  cgs: 1e12,
  electron: 1e-3,
  micro: 1e6,
  nano: 1e3,
  lj: null,
};

/** 1 Å²/ps in cm²/s. */
export const CM2_PER_S_PER_A2_PER_PS = 1e-4;
