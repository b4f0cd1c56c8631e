import type { IonClass, SolvationSetup, ViewInfo } from './api.js';
import { CLASS_CSS, CLASS_MEANING } from './colors.js';

const CLASSES: IonClass[] = ['SSIP', 'CIP', 'AGG'];

/** Build an element with text; all server text goes in as text, never as HTML. */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

/** The file line in the header. */
export function renderFile(target: HTMLElement, info: ViewInfo): void {
  const frames = info.stride === 1 && info.frames === info.fileFrames ? `${info.frames} frames` : `${info.frames} of ${info.fileFrames} frames (every ${info.stride}th)`;
  target.textContent = `${info.file} · ${info.format} · ${info.natoms} atoms · ${frames}`;
}

/** What the colours and shapes in the 3D view mean. */
export function renderLegend(target: HTMLElement, setup: SolvationSetup, ionCss: string, showSolvent: boolean): void {
  const item = (swatch: string, text: string, color?: string, data?: string) => {
    const li = el('li');
    if (data) li.dataset.item = data;
    const s = el('span', '', `swatch ${swatch}`);
    if (color) s.style.background = color;
    li.append(s, text);
    return li;
  };
  const ions = setup.ions;
  const items = setup.anions.length > 0
    ? CLASSES.map((c) => item('ion', `${c}: ${CLASS_MEANING[c]}`, CLASS_CSS[c], c))
    : [item('ion', `${ions.selection} (${ions.atoms.length} atoms): spheres`, ionCss, 'ions')];
  const cutoffs = setup.kinds.map((k) => `${k.name} ${k.cutoffA.toFixed(2)} Å`).join(', ');
  target.replaceChildren(
    ...items,
    item('partner', `shell partners at this frame, whole molecules: a shell atom (${setup.shell.selection}) within ${cutoffs}`, undefined, 'partners'),
    item('shell', 'amber: the partners’ atoms within the cutoff', undefined, 'contacts'),
    item('rest', showSolvent ? 'all other atoms: ball-and-stick, coloured by element' : 'other atoms, the solvent hidden: ball-and-stick, coloured by element', undefined, 'rest'),
    item('cell', 'unit cell'),
  );
}

/** The shell definition and the server's notes (why frames were left out, …). */
export function renderAbout(target: HTMLElement, info: ViewInfo, setup: SolvationSetup | null): void {
  const dl = el('dl');
  const entry = (term: string, value: string) => dl.append(el('dt', term), el('dd', value));
  if (setup) {
    entry('highlighted', `${setup.ions.selection} — ${setup.ions.atoms.length} atoms`);
    entry('shell atoms', `${setup.shell.selection} — ${setup.shell.atoms} atoms outside the highlighted ones`);
    for (const k of setup.kinds) entry(`${k.name} cutoff`, `${k.cutoffA.toFixed(2)} Å — ${k.source}`);
    if (setup.anions.length) entry('ion pairs', `relative to ${setup.anions.join(', ')}; a cation’s class counts every cation of its element, highlighted or not`);
  }
  entry('shells found', 'by mdpost, with periodic boundaries: a partner across a face of the cell is drawn at the opposite face');
  target.replaceChildren(el('h2', 'First solvation shells'), dl);
  const notes = [...info.notes, ...(setup?.notes ?? [])];
  if (notes.length) {
    const ul = el('ul', undefined, 'notes');
    for (const n of notes) ul.append(el('li', n));
    target.append(el('h2', 'Notes'), ul);
  }
}
