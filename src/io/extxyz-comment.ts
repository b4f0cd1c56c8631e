/**
 * The comment line of an extended XYZ frame: `key=value` pairs separated by blanks, values
 * optionally in double quotes (with backslash escapes) or braces, and bare keys meaning true:
 *   Lattice="8.4 0 0 0.16 14.5 0 1.17 4.47 14.9" Properties=species:S:1:pos:R:3 Time=1.5 pbc="T T T" IsStrange
 * Keys are compared case-insensitively, as ASE and the libAtoms writers treat Lattice/lattice alike.
 */
export type CommentValues = Map<string, string>;

export function parseCommentLine(line: string): CommentValues {
  const out: CommentValues = new Map();
  let i = 0;
  const n = line.length;
  const isBlank = (c: string) => c === ' ' || c === '\t' || c === '\r';
  while (i < n) {
    while (i < n && isBlank(line[i])) i++;
    if (i >= n) break;
    let key = '';
    while (i < n && line[i] !== '=' && !isBlank(line[i])) key += line[i++];
    let j = i;
    while (j < n && isBlank(line[j])) j++;
    if (line[j] !== '=') {
      // A bare key: a flag.
      out.set(key.toLowerCase(), 'T');
      i = j;
      continue;
    }
    i = j + 1;
    while (i < n && isBlank(line[i])) i++;
    let value = '';
    if (line[i] === '"') {
      i++;
      while (i < n && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < n) i++;
        value += line[i++];
      }
      i++;
    } else if (line[i] === '{' || line[i] === '[') {
      const close = line[i] === '{' ? '}' : ']';
      i++;
      while (i < n && line[i] !== close) value += line[i++];
      i++;
      value = value.replace(/,/g, ' ');
    } else {
      while (i < n && !isBlank(line[i])) value += line[i++];
    }
    out.set(key.toLowerCase(), value);
  }
  return out;
}

export interface PropertyColumn {
  name: string;
  /** S string, R real, I integer, L logical. */
  kind: 'S' | 'R' | 'I' | 'L';
  count: number;
}

/** `species:S:1:pos:R:3:CS:R:2` → columns; null if malformed. */
export function parseProperties(value: string): PropertyColumn[] | null {
  const parts = value.split(':');
  if (parts.length % 3 !== 0 || parts.length === 0) return null;
  const cols: PropertyColumn[] = [];
  for (let k = 0; k < parts.length; k += 3) {
    const kind = parts[k + 1].toUpperCase();
    const count = Number(parts[k + 2]);
    if (!['S', 'R', 'I', 'L'].includes(kind) || !Number.isInteger(count) || count < 1) return null;
    cols.push({ name: parts[k], kind: kind as PropertyColumn['kind'], count });
  }
  return cols;
}

/** Whitespace-separated numbers of a value, or null if any is not a number. */
export function numbersOf(value: string): number[] | null {
  const parts = value.trim().split(/\s+/).filter((p) => p !== '');
  const nums = parts.map(Number);
  return nums.every((x) => Number.isFinite(x)) ? nums : null;
}

/** `pbc="T T F"` → [true, true, false]. */
export function parsePbc(value: string): [boolean, boolean, boolean] | null {
  const parts = value.trim().split(/\s+/);
  if (parts.length !== 3) return null;
  const flags = parts.map((p) => /^(t|true|1)$/i.test(p) ? true : /^(f|false|0)$/i.test(p) ? false : null);
  return flags.every((f) => f !== null) ? (flags as [boolean, boolean, boolean]) : null;
}
