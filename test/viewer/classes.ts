import { IonPairCounter } from '../../src/analysis/ion-pairs.js';
import { defineShells, ShellFinder } from '../../src/analysis/solvation-shell.js';
import { TrajectoryReader } from '../../src/io/reader.js';
import type { Frame, Topology } from '../../src/model/frame.js';
import { findMolecules, type Molecules } from '../../src/select/molecules.js';

export type IonClass = 'SSIP' | 'CIP' | 'AGG';

/**
 * Ion-pair classes of every Na of a trajectory of Na⁺, FSI⁻ and water, frame by frame, from the
 * library's shells (analysis/solvation-shell.ts) and the definition written out here: SSIP — no
 * FSI in the shell; CIP — one FSI that no other Na holds; AGG — otherwise. Each frame's counts
 * are checked against the library's IonPairCounter, so the classes the test expects are the
 * science's. Shell atoms are the O, N, F of the other molecules, cutoffs per kind as given.
 */
export class NaClasses {
  private constructor(
    readonly topology: Topology,
    readonly molecules: Molecules,
    readonly na: number[],
    private readonly finder: ShellFinder,
    private readonly counterOf: () => IonPairCounter,
    private readonly fsiPartner: boolean[],
  ) {}

  static async open(file: string, cutoffA: { FSI: number; H2O: number }): Promise<NaClasses> {
    const reader = await TrajectoryReader.open(file);
    for await (const f of reader.frames()) {
      const top = reader.topology!;
      const elements = top.elements!;
      const molecules = findMolecules(top, f.positions.slice(0, 3 * f.natoms), f.box);
      const na = elements.flatMap((e, i) => (e === 'Na' ? [i] : []));
      const shellAtoms = elements.flatMap((e, i) => (e === 'O' || e === 'N' || e === 'F' ? [i] : []));
      const kindOf = shellAtoms.map((i) => (molecules.formula[molecules.ofAtom[i]] === 'F2NO4S2' ? 1 : 0));
      const def = defineShells({ cations: na, shellAtoms, moleculeOf: shellAtoms.map((i) => molecules.ofAtom[i]), kindOf, kinds: ['H2O', 'FSI'], cutoffA: [cutoffA.H2O, cutoffA.FSI] });
      const fsiPartner = Array.from(def.partnerKind, (k) => k === 1);
      return new NaClasses(top, molecules, na, new ShellFinder(def), () => new IonPairCounter(def, [1]), fsiPartner);
    }
    throw new Error(`${file}: no frame`);
  }

  /** The class of each Na (in atom order) at one frame. */
  classesOf(f: Frame): IonClass[] {
    const shells = this.finder.find(f.positions, f.box);
    const held = this.na.map((_, c) => {
      const fsi: number[] = [];
      for (let e = shells.start[c]; e < shells.start[c + 1]; e++) if (this.fsiPartner[shells.partner[e]]) fsi.push(shells.partner[e]);
      return fsi;
    });
    const holders = new Map<number, number>();
    for (const list of held) for (const p of list) holders.set(p, (holders.get(p) ?? 0) + 1);
    const classes: IonClass[] = held.map((list) => (list.length === 0 ? 'SSIP' : list.length === 1 && holders.get(list[0]) === 1 ? 'CIP' : 'AGG'));
    const counter = this.counterOf();
    counter.add(shells);
    const counts = counter.state().cationClasses;
    const mine = (['SSIP', 'CIP', 'AGG'] as const).map((c) => classes.filter((x) => x === c).length);
    if (mine.some((n, k) => n !== counts[k])) throw new Error(`frame ${f.index}: classes ${mine} but IonPairCounter counts ${Array.from(counts)}`);
    return classes;
  }

  /** Classes at the file frames asked for, by frame index. */
  async at(file: string, indices: number[]): Promise<Map<number, IonClass[]>> {
    const out = new Map<number, IonClass[]>();
    const reader = await TrajectoryReader.open(file);
    for await (const f of reader.frames()) {
      if (indices.includes(f.index)) out.set(f.index, this.classesOf(f));
      if (out.size === indices.length) break;
    }
    return out;
  }

  /** The first frame after `from` where some Na's class differs from frame `from`, with both frames' classes. */
  async firstChange(file: string, from = 0): Promise<{ frame: number; before: IonClass[]; after: IonClass[] }> {
    const reader = await TrajectoryReader.open(file);
    let before: IonClass[] | null = null;
    for await (const f of reader.frames()) {
      if (f.index < from) continue;
      const c = this.classesOf(f);
      if (!before) before = c;
      else if (c.some((x, i) => x !== before![i])) return { frame: f.index, before, after: c };
    }
    throw new Error('no Na changes class in the whole run');
  }
}
