/** What a column of per-atom lines holds, for the row parsers (atom-rows.ts, row-compiler.ts). */
export const enum Role {
  Skip,
  Id,
  Type,
  Mol,
  /** Element symbol or label; collected as text on the first frame only. */
  Element,
  /** Atomic number (extended XYZ `Z`). */
  AtomicNumber,
  Mass,
  X,
  Y,
  Z,
  ImageX,
  ImageY,
  ImageZ,
  /** Per-atom charge, e (LAMMPS `q`). */
  Charge,
}
