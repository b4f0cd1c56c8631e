import type { MsdResult } from '../parallel/finish.js';
import type { RdfResult } from '../analysis/rdf-shell.js';

/** Tables for spreadsheets and plotting programs: one row per lag or per bin, units in the header. */
export function msdCsv(m: MsdResult): string {
  const c = m.curve;
  const rows = ['lag_ps,msd_A2,msd_x_A2,msd_y_A2,msd_z_A2'];
  for (let i = 0; i < c.frames; i++) rows.push(`${c.lagPs[i]},${c.msdA2[i]},${c.msdXA2[i]},${c.msdYA2[i]},${c.msdZA2[i]}`);
  return rows.join('\n') + '\n';
}

export function rdfCsv(g: RdfResult): string {
  const rows = ['r_A,g,cn'];
  for (let i = 0; i < g.bins; i++) rows.push(`${g.rA[i]},${g.g[i]},${g.cn[i]}`);
  return rows.join('\n') + '\n';
}

/** A file-name-safe form of a selection ("not H2O" → "not-H2O"). */
export function slug(text: string): string {
  return text.trim().replace(/[^A-Za-z0-9+]+/g, '-').replace(/^-|-$/g, '') || 'selection';
}
