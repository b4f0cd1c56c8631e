import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnalysisRegistry } from '../pipeline/contract.js';
import { documentJson, sectionsOf, type AnalysisDocument } from './document.js';
import { reportHtml } from './html.js';
import { renderSvg } from './plots.js';

/**
 * The `--out DIR` folder: analysis.json, each analysis's CSV tables and plots (SVG), and
 * index.html showing it all. Returns the files written.
 */
export async function writeReport(dir: string, doc: AnalysisDocument, registry: AnalysisRegistry): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const put = async (name: string, text: string) => {
    await writeFile(join(dir, name), text);
    files.push(name);
  };
  await put('analysis.json', JSON.stringify(documentJson(doc), null, 1) + '\n');
  const plots: { caption: string; svg: string; csvs: string[] }[] = [];
  for (const { analysis, section } of sectionsOf(doc, registry)) {
    for (const table of analysis.document.csv?.(section) ?? []) await put(table.name, table.text);
    for (const plot of analysis.document.plots?.(section) ?? []) {
      const svg = await renderSvg(plot.spec);
      await put(`${plot.name}.svg`, svg);
      plots.push({ caption: plot.caption, svg, csvs: plot.csvs });
    }
  }
  await put('index.html', reportHtml(doc, registry, plots));
  return files;
}
