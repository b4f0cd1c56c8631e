import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnalysisResult } from '../parallel/finish.js';
import { msdCsv, rdfCsv, slug } from './csv.js';
import { reportHtml } from './html.js';
import { analysisJson } from './json.js';
import { msdPlotSpec, rdfPlotSpec, renderSvg } from './plots.js';

/**
 * The `--out DIR` folder: analysis.json, one CSV per MSD and per g(r), their plots as SVG, and
 * index.html showing it all. Returns the files written.
 */
export async function writeReport(dir: string, r: AnalysisResult, version: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const put = async (name: string, text: string) => {
    await writeFile(join(dir, name), text);
    files.push(name);
  };
  await put('analysis.json', JSON.stringify(analysisJson(r, version), null, 1) + '\n');
  const plots: { title: string; svg: string; csv: string }[] = [];
  const msdCsvs: string[] = [];
  for (const m of r.msd) {
    const name = `msd-${slug(m.selection)}.csv`;
    await put(name, msdCsv(m));
    msdCsvs.push(name);
  }
  if (r.msd.length > 0) {
    const svg = await renderSvg(msdPlotSpec(r.msd));
    await put('msd.svg', svg);
    plots.push({ title: 'MSD on log–log axes with the fit window', svg, csv: msdCsvs[0] });
  }
  for (const g of r.rdf) {
    const base = `rdf-${slug(g.a)}-${slug(g.b)}`;
    await put(`${base}.csv`, rdfCsv(g));
    const svg = await renderSvg(rdfPlotSpec(g));
    await put(`${base}.svg`, svg);
    plots.push({ title: `g(r) and n(r) of ${g.a}–${g.b}`, svg, csv: `${base}.csv` });
  }
  await put('index.html', reportHtml(r, plots, version));
  return files;
}
