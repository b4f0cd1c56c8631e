import { fetchAtom, fetchMeasurement, type AtomInfo, type FrameSolvation, type Measurement, type SolvationSetup } from './api.js';
import { shellLabel } from './coordination.js';
import type { MolView } from './molstar-view.js';

/** What the page knows when it describes a picked atom: the frame shown and its shells. */
export interface PickContext {
  frame: number;
  setup: SolvationSetup | null;
  shells: FrameSolvation | null;
}

export interface PickState {
  /** The atoms picked, oldest first (at most three). */
  atoms: number[];
  /** The last one picked, as the server describes it. */
  info: AtomInfo | null;
  /** What the panel says of it (its shell and class when it is highlighted). */
  text: string;
  /** The last measurement asked for, at the frame shown (minimum image). */
  measurement: Measurement | null;
  /** Distances and angles Mol* draws. */
  drawnMeasurements: number;
  /** Atoms picked so far (each click on an atom, once described). */
  clicks: number;
}

declare global {
  interface Window {
    mdpostPick: PickState;
  }
}

/**
 * Clicking an atom in the 3D view: its index, element, names and molecule, and for a highlighted
 * ion its shell (partners by kind) and class at the frame shown, or for a partner the ions whose
 * shell it is in. The last two or three atoms picked can be measured: Mol*'s measurement manager
 * draws the distance or angle in the view (between the atoms as drawn), and the server gives the
 * minimum-image value, which is the one to quote when the atoms are drawn at opposite faces of
 * the cell. Both follow the frame shown.
 */
export class Picks {
  private readonly state: PickState = { atoms: [], info: null, text: '', measurement: null, drawnMeasurements: 0, clicks: 0 };
  private measured: number[] | null = null;
  private readonly infoList = byId('pick-info');
  private readonly list = byId('pick-list');
  private readonly result = byId('measure-result');
  private readonly measureButton = byId<HTMLButtonElement>('measure');

  constructor(
    private readonly view: MolView,
    private readonly context: () => PickContext,
  ) {
    window.mdpostPick = this.state;
    view.plugin.behaviors.interaction.click.subscribe(({ current }) => {
      const atom = view.atomOf(current.loci);
      if (atom !== null) void this.pick(atom).catch((e) => console.error(e));
    });
    this.measureButton.addEventListener('click', () => void this.measure().catch((e) => console.error(e)));
    byId('clear-picks').addEventListener('click', () => void this.clear().catch((e) => console.error(e)));
  }

  async pick(atom: number): Promise<void> {
    this.state.atoms = [...this.state.atoms.filter((a) => a !== atom), atom].slice(-3);
    this.state.info = await fetchAtom(atom);
    this.render();
    this.state.clicks++;
  }

  async measure(): Promise<void> {
    if (this.state.atoms.length < 2) return;
    await this.view.clearMeasurements();
    this.measured = [...this.state.atoms];
    await this.view.measure(this.measured);
    this.state.drawnMeasurements = this.view.measurementCount();
    await this.updateMeasurement();
  }

  async clear(): Promise<void> {
    this.state.atoms = [];
    this.state.info = null;
    this.state.measurement = null;
    this.measured = null;
    await this.view.clearMeasurements();
    this.state.drawnMeasurements = this.view.measurementCount();
    this.render();
    this.result.textContent = '';
  }

  /** After a frame is shown: the picked atom's shell and the measurement at this frame. */
  async frameShown(_frame: number): Promise<void> {
    if (this.state.info) this.render();
    if (this.measured) await this.updateMeasurement();
  }

  private async updateMeasurement(): Promise<void> {
    const atoms = this.measured;
    if (!atoms) return;
    const m = await fetchMeasurement(this.context().frame, atoms);
    this.state.measurement = m;
    const serial = (a: number) => String(a + 1);
    const parts = m.distancesA.map((d, i) => `${serial(atoms[i])}–${serial(atoms[i + 1])} ${d.toFixed(3)} Å`);
    if (m.angleDeg !== null) parts.push(`angle ${atoms.map(serial).join('–')} ${m.angleDeg.toFixed(1)}°`);
    this.result.textContent = `at frame ${m.frame}, minimum image: ${parts.join(', ')}`;
  }

  private render(): void {
    this.list.textContent = this.state.atoms.length ? this.state.atoms.map((a) => String(a + 1)).join(', ') : 'none';
    this.measureButton.disabled = this.state.atoms.length < 2;
    this.measureButton.textContent = this.state.atoms.length === 3 ? 'Measure angle' : 'Measure distance';
    const a = this.state.info;
    if (!a) {
      this.infoList.replaceChildren();
      this.state.text = '';
      return;
    }
    const rows: [string, string][] = [['atom', `index ${a.index} (PDB serial ${a.index + 1})`]];
    rows.push(['element', a.element ?? '–']);
    if (a.type !== null) rows.push(['type', String(a.type)]);
    if (a.name !== null) rows.push(['name', a.name]);
    if (a.resname !== null || a.resid !== null) rows.push(['residue', [a.resname, a.resid].filter((x) => x !== null).join(' ')]);
    rows.push(['molecule', `${a.molecule.kind}${a.molecule.kind !== a.molecule.formula ? ` (${a.molecule.formula})` : ''}, mol ${a.molecule.index + 1}, ${a.molecule.atoms} atom${a.molecule.atoms === 1 ? '' : 's'}`]);
    const { setup, shells, frame } = this.context();
    const ion = shells?.ions.find((i) => i.atom === a.index);
    if (setup && shells && ion) {
      const kinds = setup.kinds;
      const byKind = kinds.flatMap((k, s) => {
        const mols = ion.partners.filter((p) => p.kind === s).map((p) => p.molecule + 1);
        return mols.length ? [`${k.name}: mol ${mols.join(', ')}`] : [];
      });
      rows.push([`shell, frame ${frame}`, `${shellLabel(setup, ion.partners)}${byKind.length ? ` — ${byKind.join('; ')}` : ''}`]);
      if (ion.class) rows.push(['class', ion.class]);
    } else if (setup && shells) {
      const holders = shells.ions.filter((i) => i.partners.some((p) => p.molecule === a.molecule.index)).map((i) => String(i.atom + 1));
      if (holders.length) rows.push([`in the shell of, frame ${frame}`, `${setup.ions.selection} ${holders.join(', ')}`]);
    }
    this.infoList.replaceChildren(...rows.flatMap(([t, d]) => [el('dt', t), el('dd', d)]));
    this.state.text = rows.map(([t, d]) => `${t}: ${d}`).join('\n');
  }
}

function byId<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e as T;
}

function el(tag: 'dt' | 'dd', text: string): HTMLElement {
  const e = document.createElement(tag);
  e.textContent = text;
  return e;
}
