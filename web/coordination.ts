import type { FrameSolvation, IonClass, SolvationSetup, SolvationTimeline } from './api.js';
import { CLASS_CSS, CLASS_MEANING } from './colors.js';

const CLASSES: IonClass[] = ['SSIP', 'CIP', 'AGG'];

/** "4 H2O + 1 FSI": the partners of one ion by kind, in the order of the setup's kinds. */
export function shellLabel(setup: SolvationSetup, partners: FrameSolvation['ions'][number]['partners']): string {
  const counts = setup.kinds.map(() => 0);
  for (const p of partners) counts[p.kind]++;
  const parts = setup.kinds.flatMap((k, i) => (counts[i] > 0 ? [`${counts[i]} ${k.name}`] : []));
  return parts.length > 0 ? parts.join(' + ') : 'empty';
}

/**
 * Each highlighted ion's first shell at the frame shown — partners by kind and, for cations,
 * the ion-pair class — with the counts over the ions beside the same numbers over the whole run:
 * from the analysis when it has a solvation entry for these ions, else from the frames shown.
 */
export class SolvationPanel {
  private readonly title = document.createElement('h3');
  private readonly kinds = document.createElement('table');
  private readonly classes = document.createElement('table');
  private readonly ionsTitle = document.createElement('p');
  private readonly ions = document.createElement('p');
  private setup: SolvationSetup | null = null;
  private timeline: SolvationTimeline | null = null;

  constructor(slot: HTMLElement) {
    this.ions.className = 'ions';
    this.kinds.className = 'kinds';
    this.classes.className = 'classes';
    slot.replaceChildren(this.title, this.kinds, this.classes, this.ionsTitle, this.ions);
  }

  setSetup(setup: SolvationSetup): void {
    this.setup = setup;
    this.timeline = null;
    this.title.textContent = `First shells at this frame: partners of each ${setup.ions.selection} (${setup.ions.atoms.length}) with ${setup.shell.selection} within the cutoff`;
    this.ionsTitle.textContent = `each highlighted atom by PDB serial (index + 1): its shell${setup.anions.length ? ` and class (relative to ${setup.anions.join(', ')})` : ''}`;
  }

  setTimeline(timeline: SolvationTimeline): void {
    this.timeline = timeline;
  }

  show(fs: FrameSolvation): void {
    const setup = this.setup;
    if (!setup) return;
    const n = Math.max(1, fs.ions.length);
    const perKind = setup.kinds.map(() => 0);
    for (const ion of fs.ions) for (const p of ion.partners) perKind[p.kind]++;
    const runKind = (name: string): string => {
      const cn = setup.run?.cn[name];
      if (cn !== undefined) return `${cn.toFixed(2)} (analysis)`;
      const series = this.timeline?.partners[name];
      return series ? `${mean(series).toFixed(2)} (frames shown)` : '…';
    };
    this.kinds.replaceChildren(
      row('th', ['partner', 'cutoff', 'per ion, this frame', 'whole run', 'cutoff from']),
      ...setup.kinds.map((k, i) => row('td', [k.name + (k.anion ? ' (anion)' : ''), `${k.cutoffA.toFixed(2)} Å`, (perKind[i] / n).toFixed(2), runKind(k.name), k.source])),
    );

    const counts = { SSIP: 0, CIP: 0, AGG: 0 };
    for (const ion of fs.ions) if (ion.class) counts[ion.class]++;
    if (setup.anions.length > 0) {
      const total = this.timeline?.classes ? this.timeline.classes.SSIP.reduce((s, _, k) => s + this.timeline!.classes!.SSIP[k] + this.timeline!.classes!.CIP[k] + this.timeline!.classes!.AGG[k], 0) : 0;
      const runClass = (c: IonClass): string => {
        const f = setup.run?.classes?.[c];
        if (f !== undefined) return `${(100 * f).toFixed(1)} % (analysis)`;
        const series = this.timeline?.classes?.[c];
        return series && total > 0 ? `${((100 * series.reduce((s, x) => s + x, 0)) / total).toFixed(1)} % (frames shown)` : '…';
      };
      this.classes.replaceChildren(
        row('th', ['class', 'cations, this frame', 'whole run', '']),
        ...CLASSES.map((c) => {
          const tr = row('td', [c, String(counts[c]), runClass(c), CLASS_MEANING[c]]);
          tr.cells[0].style.borderLeft = `0.8em solid ${CLASS_CSS[c]}`;
          return tr;
        }),
      );
      this.classes.hidden = false;
    } else {
      this.classes.hidden = true;
    }

    this.ions.replaceChildren(
      ...fs.ions.map((ion) => {
        const chip = document.createElement('span');
        chip.className = 'ion';
        chip.dataset.atom = String(ion.atom);
        if (ion.class) {
          chip.dataset.class = ion.class;
          chip.style.borderColor = CLASS_CSS[ion.class];
        }
        chip.textContent = `${ion.atom + 1}: ${shellLabel(setup, ion.partners)}${ion.class ? ` · ${ion.class}` : ''}`;
        return chip;
      }),
    );
  }
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN;
}

function row(cell: 'th' | 'td', texts: string[]): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const t of texts) {
    const c = document.createElement(cell);
    c.textContent = t;
    tr.append(c);
  }
  return tr;
}
