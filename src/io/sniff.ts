import { InputError } from '../model/errors.js';
import { FORMATS, type FormatName } from './format.js';
import { openByteSource } from './source.js';

/**
 * Which format a file is in, from its first lines (the name is only a tie-breaker): a LAMMPS
 * dump starts with `ITEM:`; an XYZ file with an atom count, and it is extended XYZ when its
 * comment line has `Lattice=` or `Properties=`; an XDATCAR with a title, a scale factor and
 * three lines of three numbers.
 */
export function sniffFormat(text: string): FormatName | null {
  const lines = text.split('\n', 12).map((l) => l.replace(/\r$/, ''));
  const firstIdx = lines.findIndex((l) => l.trim() !== '');
  if (firstIdx < 0) return null;
  const first = lines[firstIdx].trim();
  if (first.startsWith('ITEM:')) return 'lammps-dump';
  if (/^\d+$/.test(first)) {
    const comment = lines[firstIdx + 1] ?? '';
    if (/(^|\s)(lattice|properties)\s*=/i.test(comment)) return 'extxyz';
    return 'xyz';
  }
  const isNumbers = (l: string | undefined, n: number) => {
    if (l === undefined) return false;
    const parts = l.trim().split(/\s+/);
    return parts.length >= n && parts.slice(0, n).every((p) => Number.isFinite(Number(p)));
  };
  if (isNumbers(lines[1], 1) && lines[1].trim().split(/\s+/).length === 1 && isNumbers(lines[2], 3) && isNumbers(lines[3], 3) && isNumbers(lines[4], 3)) {
    return 'xdatcar';
  }
  return null;
}

/** Format from `--format` (validated) or from the file's content. */
export async function detectFormat(path: string, given?: string): Promise<FormatName> {
  if (given !== undefined) {
    const f = normalizeFormatName(given);
    if (!f) throw new InputError(`unknown format ${JSON.stringify(given)}; mdpost reads ${FORMATS.join(', ')}`);
    return f;
  }
  const src = await openByteSource(path);
  const head = Buffer.alloc(64 * 1024);
  let n = 0;
  try {
    for (;;) {
      const r = await src.read(head, n, head.length - n);
      if (r === 0) break;
      n += r;
      if (n === head.length) break;
    }
  } finally {
    await src.close();
  }
  if (n === 0) throw new InputError(`${path}: the file is empty`);
  if (head.subarray(0, n).includes(0)) {
    throw new InputError(`${path}: this is a binary file; mdpost reads text trajectories (${FORMATS.join(', ')}), plain or gzip-compressed`);
  }
  const f = sniffFormat(head.toString('latin1', 0, n));
  if (!f) {
    const firstLine = head.toString('latin1', 0, Math.min(n, 80)).split('\n')[0];
    throw new InputError(
      `${path}: cannot tell the format from the first lines (line 1 is ${JSON.stringify(firstLine)}); expected a LAMMPS dump ("ITEM: TIMESTEP"), an XYZ file (an atom count on line 1) or a VASP XDATCAR; give --format ${FORMATS.join('|')}`,
    );
  }
  return f;
}

export function normalizeFormatName(name: string): FormatName | null {
  const n = name.toLowerCase().replace(/_/g, '-');
  const aliases: Record<string, FormatName> = {
    xyz: 'xyz',
    extxyz: 'extxyz',
    'ext-xyz': 'extxyz',
    'extended-xyz': 'extxyz',
    lammps: 'lammps-dump',
    'lammps-dump': 'lammps-dump',
    lammpstrj: 'lammps-dump',
    dump: 'lammps-dump',
    xdatcar: 'xdatcar',
    vasp: 'xdatcar',
  };
  return aliases[n] ?? null;
}
