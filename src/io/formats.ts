import { InputError } from '../model/errors.js';
import type { TrajectoryFormat } from './format.js';
import { dcdFormat } from './dcd.js';
import { groFormat } from './gro.js';
import { lammpsDumpFormat } from './lammps-dump.js';
import { pdbFormat } from './pdb.js';
import { trrFormat } from './trr.js';
import { xdatcarFormat } from './xdatcar.js';
import { xtcFormat } from './xtc.js';
import { extxyzFormat, xyzFormat } from './xyz.js';

/**
 * The formats mdpost reads, in the order they are tried on a file's first bytes (the surer
 * tests first: extended XYZ before plain XYZ; GRO, whose title may be a lone number, before XYZ). Adding a format is one module and one line here.
 */
export const FORMATS: readonly TrajectoryFormat[] = [lammpsDumpFormat, pdbFormat, groFormat, extxyzFormat, xyzFormat, xdatcarFormat, xtcFormat, trrFormat, dcdFormat];

/** A format by name or alias ("lammps", "vasp", "extended_xyz"); null when unknown. */
export function formatNamed(name: string): TrajectoryFormat | null {
  const n = name.toLowerCase().replace(/_/g, '-');
  return FORMATS.find((f) => f.name === n || f.aliases.includes(n)) ?? null;
}

/** The format of `--format NAME`, or an error listing the formats. */
export function formatByName(name: string): TrajectoryFormat {
  const f = formatNamed(name);
  if (!f) throw new InputError(`unknown format ${JSON.stringify(name)}; mdpost reads ${formatNames()}`);
  return f;
}

export function formatNames(separator = ', '): string {
  return FORMATS.map((f) => f.name).join(separator);
}
