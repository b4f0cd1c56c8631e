import { formatNames } from '../io/formats.js';
import { InputError } from '../model/errors.js';
import { parseBoxOption, parsePositiveInt, parsePositiveTime, parseTypeMap } from '../model/parse-options.js';
import { parseTimePs } from '../model/units.js';
import { UNWRAP_CHOICES } from '../select/unwrap.js';
import type { OptionDecl } from './options.js';

/**
 * The options of reading a trajectory and choosing its frames: every command that reads a file
 * has the first group; analyze and batch have the second.
 */

export const READ_OPTIONS: readonly OptionDecl[] = [
  {
    key: 'format',
    flag: '--format <format>',
    help: `${formatNames(' | ')} (default: recognised from the content)`,
    commands: ['analyze', 'batch', 'view', 'info'],
  },
  {
    key: 'dt',
    flag: '--dt <time>',
    help: 'time between stored frames, e.g. 0.5ps, 500fs (a bare number is ps)',
    commands: ['analyze', 'batch', 'view', 'info'],
    parse: parsePositiveTime,
  },
  {
    key: 'timestep',
    flag: '--timestep <time>',
    help: 'MD integration step, multiplied by the step numbers a LAMMPS dump stores, e.g. 1fs',
    commands: ['analyze', 'batch', 'view', 'info'],
    parse: parsePositiveTime,
  },
  {
    key: 'allowUnusualTime',
    flag: '--allow-unusual-time',
    help: 'accept a time between frames outside 0.01 fs – 100 ps, or an MD step outside 0.01–100 fs (refused otherwise: usually a mistaken unit)',
    commands: ['analyze', 'batch', 'view', 'info'],
    boolean: true,
  },
  {
    key: 'unwrap',
    flag: '--unwrap <how>',
    help:
      'how coordinates are made continuous for the MSD: auto (unwrapped columns, else image flags, else minimum-image jumps between frames), ' +
      'images (image flags only), jumps (minimum image, ignoring columns labelled unwrapped), none (the coordinates are already continuous, as CP2K and many AIMD codes write them)',
    defaultText: 'auto',
    commands: ['analyze', 'batch'],
    parse: (text, name) => {
      if (!(UNWRAP_CHOICES as readonly string[]).includes(text)) throw new InputError(`${name}: expected one of ${UNWRAP_CHOICES.join(', ')}, not ${JSON.stringify(text)}`);
      return text;
    },
  },
  {
    key: 'box',
    flag: '--box <cell>',
    help: 'cell for files without one: "a b c" (Å) or nine numbers "ax ay az bx by bz cx cy cz"',
    commands: ['analyze', 'batch', 'view', 'info'],
    parse: (text) => Array.from(parseBoxOption(text).matrix),
  },
  {
    key: 'topology',
    flag: '--topology <file>',
    help:
      'topology of the same atoms in the same order: a LAMMPS data file, GRO or PDB (plain or gzip) — elements, names, residues, ' +
      'masses, charges, molecules and bonds; selections can then use name, resname, resid',
    commands: ['analyze', 'batch', 'view', 'info'],
    parse: parseFileName,
  },
  {
    key: 'typeMap',
    flag: '--type-map <map>',
    help: 'elements of LAMMPS types, e.g. "1=O,2=H,3=Na"',
    commands: ['analyze', 'batch', 'view', 'info'],
    parse: (text) => [...parseTypeMap(text)],
  },
];

export const FRAME_OPTIONS: readonly OptionDecl[] = [
  { key: 'begin', flag: '--begin <time>', help: 'skip frames before this time (relative to the first frame)', commands: ['analyze', 'batch'], parse: parseTimePs },
  { key: 'end', flag: '--end <time>', help: 'stop after this time (relative to the first frame)', commands: ['analyze', 'batch'], parse: parseTimePs },
  { key: 'stride', flag: '--stride <n>', help: 'use every n-th frame', defaultText: '1', commands: ['analyze', 'batch'], parse: parsePositiveInt },
  {
    key: 'frames',
    flag: '--frames <a:b>',
    help: 'only frames a … b−1 (0-based; "a:" to the end): one part of a run split across processes',
    commands: ['analyze'],
    parse: parseFrameRange,
  },
];

function parseFileName(text: string, name: string): string {
  if (text.trim() === '') throw new InputError(`${name}: expected a file name`);
  return text;
}

function parseFrameRange(text: string): [number, number | null] {
  const m = /^(\d+):(\d*)$/.exec(text);
  if (!m || (m[2] !== '' && Number(m[2]) <= Number(m[1]))) {
    throw new InputError(`--frames: expected A:B frame numbers (from A up to, not including, B; "A:" to the end), not ${JSON.stringify(text)}`);
  }
  return [Number(m[1]), m[2] === '' ? null : Number(m[2])];
}
