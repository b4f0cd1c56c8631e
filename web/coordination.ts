import type { FrameShell, ViewAnalysis, ViewInfo } from './api.js';

/** What the analysis says about the highlight–shell pair over the whole run. */
interface RunShell {
  cutoffA: number;
  mean: number;
  /** Fraction of (ion, frame) pairs with each coordination number. */
  fractions: Map<number, number>;
}

function runShell(analysis: ViewAnalysis | null, info: ViewInfo): RunShell | null {
  type Rdf = { a: string; b: string; cn_distribution: { cutoff_A: number; mean: number; fractions: Record<string, number> } | null };
  const rdf = (analysis?.analysis.rdf as Rdf[] | undefined) ?? [];
  const d = rdf.find((g) => g.a === info.highlight.selection && g.b === info.shell.selection)?.cn_distribution;
  if (!d) return null;
  return { cutoffA: d.cutoff_A, mean: d.mean, fractions: new Map(Object.entries(d.fractions).map(([n, f]) => [Number(n), f])) };
}

/**
 * The coordination number of each highlighted atom at the current frame (its shell neighbours
 * from /api/shell), their distribution, and beside it the distribution over the whole run from
 * the analysis, so one frame can be read against the average.
 */
export class CoordinationPanel {
  private readonly run: RunShell | null;
  private readonly summary = document.createElement('p');
  private readonly table = document.createElement('table');
  private readonly ions = document.createElement('p');

  constructor(
    slot: HTMLElement,
    private readonly info: ViewInfo,
    analysis: ViewAnalysis | null,
  ) {
    this.run = runShell(analysis, info);
    const title = document.createElement('h3');
    title.textContent = `Coordination at this frame: ${info.shell.selection} within ${info.shell.cutoffA.toFixed(2)} Å of each ${info.highlight.selection}`;
    this.ions.className = 'ions';
    const ionsTitle = document.createElement('p');
    ionsTitle.textContent = `each ${info.highlight.selection} by PDB serial (atom index + 1): its coordination number`;
    slot.replaceChildren(title, this.summary, this.table, ionsTitle, this.ions);
  }

  show(shell: FrameShell): void {
    const counts = shell.perAtom.map((a) => a.neighbours.length);
    const mean = counts.reduce((s, n) => s + n, 0) / Math.max(1, counts.length);
    const run = this.run;
    this.summary.textContent =
      `mean ${mean.toFixed(2)} over ${counts.length} ${this.info.highlight.selection}` +
      (run ? `; whole run ${run.mean.toFixed(2)} (cutoff ${run.cutoffA.toFixed(2)} Å)` : '');

    const byCn = new Map<number, number>();
    for (const n of counts) byCn.set(n, (byCn.get(n) ?? 0) + 1);
    const cns = [...new Set([...byCn.keys(), ...(run?.fractions.keys() ?? [])])].sort((a, b) => a - b);
    const head = row('th', ['CN', 'this frame', ...(run ? ['whole run'] : [])]);
    const body = cns.map((n) => row('td', [String(n), String(byCn.get(n) ?? 0), ...(run ? [`${(100 * (run.fractions.get(n) ?? 0)).toFixed(1)} %`] : [])]));
    this.table.replaceChildren(head, ...body);

    this.ions.replaceChildren(
      ...shell.perAtom.map((a) => {
        const chip = document.createElement('span');
        chip.className = 'ion';
        chip.textContent = `${a.atom + 1}: ${a.neighbours.length}`;
        return chip;
      }),
    );
  }
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
