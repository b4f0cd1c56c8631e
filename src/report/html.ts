import { dUnits } from '../analysis/diffusion.js';
import type { AnalysisResult } from '../parallel/finish.js';
import { formatNumber as f } from './format.js';
import { withError } from './text.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A self-contained report page: the numbers as tables, the plots as inline SVG. */
export function reportHtml(r: AnalysisResult, plots: { title: string; svg: string; csv: string }[], version: string): string {
  const plan = r.plan;
  const e = escapeHtml;
  const msdRows = r.msd
    .map((m) => {
      const d = m.diffusion;
      const u = dUnits(d.dA2PerPs), s = dUnits(d.stderrA2PerPs);
      return `<tr><td>${e(m.selection)}</td><td>${m.count} ${m.kind}</td><td>${withError(u.A2_per_ps, s.A2_per_ps)}</td><td>${withError(u.A2_per_ns, s.A2_per_ns)}</td><td>${u.cm2_per_s.toExponential(3)} ± ${s.cm2_per_s.toExponential(2)}</td><td>${f(d.window.fromPs, 4)}–${f(d.window.toPs, 4)}${d.window.auto ? ' (auto)' : ''}</td><td>${f(d.logLogSlope, 3)}</td></tr>`;
    })
    .join('\n');
  const rdfRows = r.rdf
    .map(
      (g) =>
        `<tr><td>${e(g.a)}–${e(g.b)}</td><td>${g.firstPeak ? `${f(g.firstPeak.rA, 3)} (${f(g.firstPeak.g, 3)})` : '—'}</td><td>${g.firstMin ? `${f(g.firstMin.rA, 3)} (${f(g.firstMin.g, 3)})` : '—'}</td><td>${g.cnFirstShell !== null ? f(g.cnFirstShell, 3) : '—'}</td><td>${
          g.cnDistribution
            ? Object.entries(g.cnDistribution.fractions)
                .filter(([, v]) => v >= 0.005)
                .map(([k, v]) => `${k}: ${(100 * v).toFixed(0)}%`)
                .join(', ')
            : '—'
        }</td></tr>`,
    )
    .join('\n');
  const notes = [...r.warnings, ...r.msd.flatMap((m) => m.diffusion.notes.map((n) => `${m.selection}: ${n}`)), ...r.rdf.flatMap((g) => g.notes.map((n) => `${g.a}–${g.b}: ${n}`))];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mdpost: ${e(plan.spec.file)}</title>
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
<p><code>${e(plan.spec.file)}</code>: ${e(plan.format)}, ${plan.natoms} atoms, ${r.framesUsed} frames used${r.dtUsedPs !== null ? `, ${f(r.dtUsedPs, 4)} ps apart (${f(r.dtUsedPs * (r.framesUsed - 1), 4)} ps)` : ''}.
${r.unwrapModes.length ? `Unwrapped with ${e(r.unwrapModes.join(' + '))}.` : ''} mdpost ${e(version)}.</p>
${
  r.msd.length
    ? `<h2>Diffusion coefficients</h2>
<table><tr><th>selection</th><th>particles</th><th>D (Å²/ps)</th><th>D (Å²/ns)</th><th>D (cm²/s)</th><th>fit window (ps)</th><th>log–log slope</th></tr>
${msdRows}</table>
${r.transference ? `<p>Nernst–Einstein cation transference number t⁺ = ${withError(r.transference.tPlus, r.transference.stderr)} (${e(r.transference.cation)} vs ${e(r.transference.anion)}).</p>` : ''}
<p>± is one standard error: ${e(r.msd[0].diffusion.method)}.</p>`
    : ''
}
${
  r.rdf.length
    ? `<h2>Radial distribution functions</h2>
<table><tr><th>pair</th><th>first peak, Å (g)</th><th>first minimum, Å (g)</th><th>CN at the minimum</th><th>per-ion CN within the minimum</th></tr>
${rdfRows}</table>`
    : ''
}
${notes.length ? `<h2>Notes</h2><ul>${notes.map((n) => `<li>${e(n)}</li>`).join('\n')}</ul>` : ''}
<h2>Plots</h2>
<div class="plots">
${plots.map((p) => `<figure>${p.svg}<figcaption>${e(p.title)} — data: <a href="${encodeURI(p.csv)}">${e(p.csv)}</a></figcaption></figure>`).join('\n')}
</div>
</body></html>
`;
}
