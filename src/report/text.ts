import type { AnalysisRegistry } from '../pipeline/contract.js';
import { sectionsOf, type AnalysisDocument } from './document.js';
import { formatNumber as f } from './format.js';

export { withError } from './format.js';

/** The terminal summary of an analysis: what was read, then each analysis's lines, every number with its unit. */
export function analysisText(doc: AnalysisDocument, registry: AnalysisRegistry): string {
  const i = doc.input;
  const lines: string[] = [];
  const span = i.dt_ps !== null ? ` × ${f(i.dt_ps, 4)} ps (${f(i.dt_ps * (i.frames - 1), 4)} ps)` : '';
  lines.push(i.file);
  lines.push(`  ${i.format}, ${i.atoms} atoms, ${i.frames} frames used${span}${i.unwrapping.length ? `; unwrapped with ${i.unwrapping.join(' + ')}` : ''}`);
  for (const { analysis, section } of sectionsOf(doc, registry)) lines.push(...(analysis.document.text?.(section) ?? []));
  if (doc.warnings.length > 0) {
    lines.push('');
    for (const w of doc.warnings) lines.push(`warning: ${w}`);
  }
  return lines.join('\n') + '\n';
}
