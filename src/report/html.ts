import type { AnalysisRegistry } from '../pipeline/contract.js';
import { sectionsOf, type AnalysisDocument } from './document.js';
import { escapeHtml as e, formatNumber as f } from './format.js';

export { escapeHtml } from './format.js';

/** A self-contained report page: each analysis's tables, the notes, and the plots as inline SVG. */
export function reportHtml(doc: AnalysisDocument, registry: AnalysisRegistry, plots: { caption: string; svg: string; csvs: string[] }[]): string {
  const i = doc.input;
  const parts = sectionsOf(doc, registry);
  const notes = [...doc.warnings, ...parts.flatMap(({ analysis, section }) => analysis.document.notes?.(section) ?? [])];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mdpost: ${e(i.file)}</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.8em; text-align: left; }
th { background: #f4f4f4; }
.plots { display: flex; flex-wrap: wrap; gap: 1.5em; }
figure { margin: 0; } figcaption { font-size: 13px; color: #555; }
code { background: #f4f4f4; padding: 0 0.2em; }
</style></head><body>
<h1>mdpost analysis</h1>
<p><code>${e(i.file)}</code>: ${e(i.format)}, ${i.atoms} atoms, ${i.frames} frames used${i.dt_ps !== null ? `, ${f(i.dt_ps, 4)} ps apart (${f(i.dt_ps * (i.frames - 1), 4)} ps)` : ''}.
${i.unwrapping.length ? `Unwrapped with ${e(i.unwrapping.join(' + '))}.` : ''} mdpost ${e(doc.mdpost)}.</p>
${parts.map(({ analysis, section }) => analysis.document.html?.(section) ?? '').filter((h) => h !== '').join('\n')}
${notes.length ? `<h2>Notes</h2><ul>${notes.map((n) => `<li>${e(n)}</li>`).join('\n')}</ul>` : ''}
<h2>Plots</h2>
<div class="plots">
${plots.map((p) => `<figure>${p.svg}<figcaption>${e(p.caption)} — data: ${p.csvs.map((c) => `<a href="${encodeURI(c)}">${e(c)}</a>`).join(', ')}</figcaption></figure>`).join('\n')}
</div>
</body></html>
`;
}
