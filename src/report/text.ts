import { dUnits } from '../analysis/diffusion.js';
import type { AnalysisResult } from '../parallel/finish.js';
import { formatNumber as f } from './format.js';

/** "0.123 ± 0.012" with the error's two significant digits setting the precision. */
export function withError(x: number, err: number | null): string {
  if (err === null || !(err > 0) || !Number.isFinite(err)) return f(x, 4);
  const decimals = Math.max(0, 1 - Math.floor(Math.log10(err)));
  // Exponents only when both are tiny or huge; a value far inside its error rounds to 0.
  if (decimals > 12 || Math.abs(x) >= 1e7 || Math.max(Math.abs(x), err) < 1e-3) return `${f(x, 4)} ± ${f(err, 2)}`;
  const value = x.toFixed(decimals);
  return `${/^-0\.?0*$/.test(value) ? value.slice(1) : value} ± ${err.toFixed(decimals)}`;
}

/** (1.23 ± 0.12)×10⁻⁵ for cm²/s values. */
function scientific(x: number, err: number): string {
  if (x === 0) return `0 ± ${err.toExponential(1)}`;
  const e = Math.floor(Math.log10(Math.abs(x)));
  const sup = (n: number) => String(n).replace(/-/g, '⁻').replace(/\d/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(d)]);
  return `(${withError(x / 10 ** e, err / 10 ** e)})×10${sup(e)}`;
}

/** The terminal summary of an analysis: every number with its unit. */
export function analysisText(r: AnalysisResult): string {
  const plan = r.plan;
  const lines: string[] = [];
  const span = r.dtUsedPs !== null ? ` × ${f(r.dtUsedPs, 4)} ps (${f(r.dtUsedPs * (r.framesUsed - 1), 4)} ps)` : '';
  lines.push(`${plan.spec.file}`);
  lines.push(`  ${plan.format}, ${plan.natoms} atoms, ${r.framesUsed} frames used${span}${r.unwrapModes.length ? `; unwrapped with ${r.unwrapModes.join(' + ')}` : ''}`);
  if (r.msd.length > 0) {
    lines.push('');
    lines.push('Mean squared displacement and diffusion coefficient (D = slope / 6)');
    const w = Math.max(...r.msd.map((m) => m.selection.length));
    for (const m of r.msd) {
      const d = m.diffusion;
      const u = dUnits(d.dA2PerPs), e = dUnits(d.stderrA2PerPs);
      lines.push(
        `  ${m.selection.padEnd(w)}  ${String(m.count).padStart(5)} ${m.kind === 'molecules' ? 'molecules' : 'atoms    '}  D = ${withError(u.A2_per_ps, e.A2_per_ps)} Å²/ps = ${withError(u.A2_per_ns, e.A2_per_ns)} Å²/ns = ${scientific(u.cm2_per_s, e.cm2_per_s)} cm²/s`,
      );
      lines.push(`  ${''.padEnd(w)}  fit ${f(d.window.fromPs, 4)}–${f(d.window.toPs, 4)} ps${d.window.auto ? ' (auto)' : ''}, log–log slope ${f(d.logLogSlope, 3)}`);
      for (const n of d.notes) lines.push(`  ${''.padEnd(w)}  note: ${n}`);
    }
    if (r.transference) {
      const t = r.transference;
      lines.push(`  t⁺ (Nernst–Einstein, ${t.cation} vs ${t.anion}) = ${withError(t.tPlus, t.stderr)}`);
    }
    lines.push(`  ± is one standard error: Brownian covariance of the MSD propagated through the fit (see the JSON "method")`);
  }
  if (r.rdf.length > 0) {
    lines.push('');
    lines.push(`Radial distribution functions and coordination numbers (r_max ${f(plan.rmaxA, 4)} Å, ${plan.bins} bins of ${f(plan.rmaxA / plan.bins, 3)} Å)`);
    for (const g of r.rdf) {
      const pair = `${g.a}–${g.b}`;
      if (!g.firstPeak) {
        lines.push(`  ${pair}: no first peak (g(r) stays below 1.2)`);
        continue;
      }
      let line = `  ${pair}: first peak ${f(g.firstPeak.rA, 3)} Å (g = ${f(g.firstPeak.g, 3)})`;
      if (g.firstMin && g.cnFirstShell !== null) line += `, first minimum ${f(g.firstMin.rA, 3)} Å (g = ${f(g.firstMin.g, 3)}), CN = ${f(g.cnFirstShell, 3)}`;
      lines.push(line);
      if (g.cnDistribution) {
        const fr = Object.entries(g.cnDistribution.fractions)
          .filter(([, v]) => v >= 0.005)
          .map(([k, v]) => `${k} → ${(100 * v).toFixed(0)}%`)
          .join(', ');
        lines.push(`    how many ${g.b} each ${g.a} has within ${f(g.cnDistribution.cutoffA, 3)} Å (share of ${g.a} × frames): ${fr}`);
      }
      for (const n of g.notes) lines.push(`    note: ${n}`);
    }
  }
  if (r.warnings.length > 0) {
    lines.push('');
    for (const w of r.warnings) lines.push(`warning: ${w}`);
  }
  return lines.join('\n') + '\n';
}
