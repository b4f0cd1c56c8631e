import { boxFromVectors, orthorhombicBox, type Box } from './box.js';
import { elementFromLabel } from './elements.js';
import { InputError } from './errors.js';
import { parseTimePs } from './units.js';

/** `--box "a b c"` (orthorhombic, Å) or `--box "ax ay az bx by bz cx cy cz"` (cell vectors). */
export function parseBoxOption(text: string): Box {
  const parts = text.trim().split(/[\s,]+/).filter((p) => p !== '');
  const v = parts.map(Number);
  if (v.some((x) => !Number.isFinite(x)) || (v.length !== 3 && v.length !== 9)) {
    throw new InputError(`--box: expected "a b c" (Å) or nine numbers "ax ay az bx by bz cx cy cz", not ${JSON.stringify(text)}`);
  }
  const box = v.length === 3 ? orthorhombicBox(v[0], v[1], v[2]) : boxFromVectors(v);
  if (v.length === 3 && v.some((x) => x <= 0)) throw new InputError(`--box: lengths must be positive, not ${JSON.stringify(text)}`);
  return box;
}

/** `--type-map 1=O,2=H,3=Na` → LAMMPS type → element. */
export function parseTypeMap(text: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const part of text.split(/[,\s]+/).filter((p) => p !== '')) {
    const m = /^(\d+)\s*[=:]\s*([A-Za-z][A-Za-z0-9+_-]*)$/.exec(part);
    if (!m) throw new InputError(`--type-map: expected TYPE=ELEMENT pairs such as "1=O,2=H,3=Na", not ${JSON.stringify(part)}`);
    const el = elementFromLabel(m[2]);
    if (!el) throw new InputError(`--type-map: ${JSON.stringify(m[2])} is not an element symbol`);
    map.set(Number(m[1]), el);
  }
  return map;
}

export function parsePositiveTime(text: string, flag: string): number {
  const t = parseTimePs(text, flag);
  if (!(t > 0)) throw new InputError(`${flag}: must be a positive time, not ${JSON.stringify(text)}`);
  return t;
}

export function parsePositiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`${flag}: expected a positive integer, not ${JSON.stringify(text)}`);
  return n;
}
