import { InputError } from '../model/errors.js';

/**
 * Reading a results document back (analysis.json given to the viewer, the reports of a batch):
 * each field is checked as it is taken, and anything missing or of the wrong kind is an error
 * that names the file and the field — the reports never work from `any`.
 */
export type Json = Record<string, unknown>;

export function fail(where: string, what: string): never {
  throw new InputError(`${where}: ${what}`);
}

export function object(v: unknown, where: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, `expected an object, not ${kind(v)}`);
  return v as Json;
}

export function array(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) fail(where, `expected a list, not ${kind(v)}`);
  return v as unknown[];
}

export function num(o: Json, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number') fail(`${where}.${key}`, `expected a number, not ${kind(v)}`);
  return v as number;
}

export function numOrNull(o: Json, key: string, where: string): number | null {
  return o[key] === null || o[key] === undefined ? null : num(o, key, where);
}

/** A number that JSON may hold as null when it is not one (NaN: e.g. an error that could not be estimated). */
export function numOrNaN(o: Json, key: string, where: string): number {
  return o[key] === null ? NaN : num(o, key, where);
}

/** A diffusion coefficient as the documents hold it: Å²/ps, Å²/ns, cm²/s, each with its standard error (null: none). */
export interface DWithError {
  A2_per_ps: number;
  A2_per_ns: number;
  cm2_per_s: number;
  stderr_A2_per_ps: number;
  stderr_A2_per_ns: number;
  stderr_cm2_per_s: number;
}

export function dWithError(d: Json, where: string): DWithError {
  return {
    A2_per_ps: num(d, 'A2_per_ps', where),
    A2_per_ns: num(d, 'A2_per_ns', where),
    cm2_per_s: num(d, 'cm2_per_s', where),
    stderr_A2_per_ps: numOrNaN(d, 'stderr_A2_per_ps', where),
    stderr_A2_per_ns: numOrNaN(d, 'stderr_A2_per_ns', where),
    stderr_cm2_per_s: numOrNaN(d, 'stderr_cm2_per_s', where),
  };
}

export function str(o: Json, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string') fail(`${where}.${key}`, `expected text, not ${kind(v)}`);
  return v as string;
}

export function bool(o: Json, key: string, where: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') fail(`${where}.${key}`, `expected true or false, not ${kind(v)}`);
  return v as boolean;
}

export function nums(o: Json, key: string, where: string): number[] {
  const v = array(o[key], `${where}.${key}`);
  // null stands for a value JSON cannot hold (NaN, ±Infinity).
  if (!v.every((x) => typeof x === 'number' || x === null)) fail(`${where}.${key}`, 'expected a list of numbers');
  return v.map((x) => (x === null ? NaN : (x as number)));
}

export function strs(o: Json, key: string, where: string): string[] {
  const v = o[key] === undefined ? [] : array(o[key], `${where}.${key}`);
  if (!v.every((x) => typeof x === 'string')) fail(`${where}.${key}`, 'expected a list of texts');
  return v as string[];
}

/** A nested optional object ({} or null → null). */
export function maybe<T>(o: Json, key: string, where: string, read: (v: Json, where: string) => T): T | null {
  const v = o[key];
  return v === null || v === undefined ? null : read(object(v, `${where}.${key}`), `${where}.${key}`);
}

function kind(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return JSON.stringify(v.length > 30 ? v.slice(0, 30) + '…' : v);
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
