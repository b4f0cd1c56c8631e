import { summarizeBox, type Box } from '../model/box.js';

/**
 * A PDB file of one configuration for Mol*: CRYST1 (so the cell is drawn), one HETATM per atom
 * with its element, each molecule a residue, and CONECT records for the bonds mdpost found (so
 * a Na⁺ next to an oxygen is not drawn bonded, and FSI⁻ is drawn whole). PDB has five digits
 * for atom serials: at most 99 999 atoms.
 */
export const PDB_MAX_ATOMS = 99_999;

export interface PdbInput {
  elements: readonly string[];
  positions: ArrayLike<number>;
  box: Box | null;
  /** Molecule (residue) of each atom, and the residue name to print for each molecule. */
  residueOf: Int32Array;
  residueNames: string[];
  bonds: Int32Array;
  title: string;
  /** Atom names (a topology's OW, HW1 …); the element when absent. */
  names?: readonly string[] | null;
}

const f8 = (x: number) => x.toFixed(3).padStart(8).slice(-8);

export function writePdb(input: PdbInput): string {
  const n = input.elements.length;
  if (n > PDB_MAX_ATOMS) throw new RangeError(`PDB holds at most ${PDB_MAX_ATOMS} atoms; this system has ${n}`);
  const out: string[] = [];
  out.push(`TITLE     ${input.title.slice(0, 70)}`);
  if (input.box) {
    const b = summarizeBox(input.box);
    out.push(
      `CRYST1${b.a.toFixed(3).padStart(9)}${b.b.toFixed(3).padStart(9)}${b.c.toFixed(3).padStart(9)}${b.alpha.toFixed(2).padStart(7)}${b.beta.toFixed(2).padStart(7)}${b.gamma.toFixed(2).padStart(7)} P 1           1`,
    );
  }
  const p = input.positions;
  for (let i = 0; i < n; i++) {
    const el = input.elements[i].slice(0, 2);
    const name = atomName(input.names?.[i] ?? el, el);
    const res = input.residueOf[i];
    const resName = (input.residueNames[res] ?? 'MOL').slice(0, 3).padStart(3);
    const resSeq = String((res % 9999) + 1).padStart(4);
    out.push(
      `HETATM${String(i + 1).padStart(5)} ${name.slice(0, 4)} ${resName} A${resSeq}    ${f8(p[3 * i])}${f8(p[3 * i + 1])}${f8(p[3 * i + 2])}  1.00  0.00          ${el.toUpperCase().padStart(2)}`,
    );
  }
  // CONECT: up to four partners per record, both directions.
  const partners = new Map<number, number[]>();
  for (let b = 0; b < input.bonds.length; b += 2) {
    const i = input.bonds[b], j = input.bonds[b + 1];
    (partners.get(i) ?? partners.set(i, []).get(i)!).push(j);
    (partners.get(j) ?? partners.set(j, []).get(j)!).push(i);
  }
  for (const [i, list] of [...partners].sort((a, b) => a[0] - b[0])) {
    for (let k = 0; k < list.length; k += 4) {
      out.push(`CONECT${String(i + 1).padStart(5)}${list.slice(k, k + 4).map((j) => String(j + 1).padStart(5)).join('')}`);
    }
  }
  out.push('END');
  return out.join('\n') + '\n';
}

/**
 * Columns 13–16: a name of four characters fills them; shorter names of one-letter elements
 * start in column 14 (" OW ", " N  "), as wwPDB aligns them, others in column 13 ("NA  ").
 */
function atomName(name: string, element: string): string {
  const n = name.slice(0, 4);
  if (n.length === 4) return n;
  return (element.length === 1 ? ` ${n}` : n).padEnd(4);
}
