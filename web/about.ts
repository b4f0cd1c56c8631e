import type { ViewInfo } from './api.js';

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
export function renderLegend(target: HTMLElement, info: ViewInfo, highlightCss: string): void {
  const item = (swatch: string, text: string, color?: string) => {
    const li = el('li');
    const s = el('span', '', `swatch ${swatch}`);
    if (color) s.style.background = color;
    li.append(s, text);
    return li;
  };
  target.replaceChildren(
    item('highlight', `${info.highlight.selection} (${info.highlight.atoms.length} atoms): spheres`, highlightCss),
    item('shell', `their first shell at this frame: ${info.shell.selection} within ${info.shell.cutoffA.toFixed(2)} Å`),
    item('rest', 'all other atoms: ball-and-stick, coloured by element'),
    item('cell', 'unit cell'),
  );
}

/** The shell definition and the server's notes (why frames were left out, …). */
export function renderAbout(target: HTMLElement, info: ViewInfo): void {
  const dl = el('dl');
  const entry = (term: string, value: string) => dl.append(el('dt', term), el('dd', value));
  entry('highlighted', `${info.highlight.selection} — ${info.highlight.atoms.length} atoms`);
  entry('shell atoms', info.shell.selection);
  entry('shell cutoff', `${info.shell.cutoffA.toFixed(2)} Å — ${info.shell.source}`);
  entry('shells found', 'by mdpost, with periodic boundaries: a neighbour across a face of the cell is drawn at the opposite face');
  target.replaceChildren(el('h2', 'First coordination shell'), dl);
  if (info.notes.length) {
    const ul = el('ul', undefined, 'notes');
    for (const n of info.notes) ul.append(el('li', n));
    target.append(el('h2', 'Notes'), ul);
  }
}
