import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { msdAnalysis, msdPlotSpec } from '../../src/analyses/msd.js';
import { rdfPlotSpec } from '../../src/analyses/rdf.js';
import { msdOverlaySpec } from '../../src/batch/summary.js';
import { mdpost } from '../support/cli.js';
import { tempFile } from '../support/io.js';
import { NAFSI_DUMP } from '../support/nafsi.js';
import { readDocument, section } from '../../src/report/document.js';
import { ANALYSES } from '../../src/analyses/index.js';

/** The report folder a reader opens: plots with legends, every table linked, numbers as in the terminal. */
describe('the report folder of mdpost analyze --out', () => {
  const out = join(tempFile('.anchor', ''), '..', 'report');
  const r = mdpost(['analyze', NAFSI_DUMP, '--msd', 'Na', '--msd', 'FSI', '--rdf', 'Na,O', '--out', out, '--workers', '1']);
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  const doc = readDocument(JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8')), ANALYSES, 'analysis.json');

  it('the MSD plot has a legend naming each selection, and its caption links every MSD table', () => {
    expect(r.code).toBe(0);
    const svg = readFileSync(join(out, 'msd.svg'), 'utf8');
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(texts).toContain('selection');
    expect(texts).toContain('Na');
    expect(texts).toContain('FSI');
    expect(html).toMatch(/data: <a href="msd-Na\.csv">msd-Na\.csv<\/a>, <a href="msd-FSI\.csv">msd-FSI\.csv<\/a>/);
  });

  it('gives D in cm²/s in the terminal\'s notation', () => {
    expect(r.stdout).toContain('(7.9 ± 1.5)×10⁻⁶ cm²/s');
    expect(html).toContain('<td>(7.9 ± 1.5)×10⁻⁶</td>');
  });

  it('draws n(r) up to the second shell, so that the first shell\'s CN ≈ 6 is readable', () => {
    const g = doc.sections.rdf as { cn: number[]; first_min: { r_A: number } }[];
    const spec = rdfPlotSpec((doc.sections.rdf as never[])[0]) as unknown as { layer: { encoding: { y: { scale?: { domain: number[] } } } }[] };
    const top = spec.layer[1].encoding.y.scale!.domain[1];
    expect(top).toBeGreaterThan(3 * 5.89);
    expect(top).toBeLessThan(g[0].cn[g[0].cn.length - 1] / 3);
  });

  it('colours each selection the same in a report and in a batch summary', () => {
    const msd = section(doc, msdAnalysis)!;
    const report = msdPlotSpec(msd) as unknown as { layer: { encoding: { color?: { scale: unknown } } }[] };
    const batch = msdOverlaySpec([{ index: 0, label: 'run', temperatureK: 300, file: NAFSI_DUMP, status: 'ok', analysis: doc }]) as unknown as { encoding: { color: { scale: unknown } } };
    expect(batch.encoding.color.scale).toEqual(report.layer[1].encoding.color!.scale);
    expect(report.layer[1].encoding.color!.scale).toEqual({ domain: ['Na', 'FSI'], range: ['#1f77b4', '#ff7f0e'] });
  });
});
