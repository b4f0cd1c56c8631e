import { writeFile } from 'node:fs/promises';
import { ANALYSES } from '../analyses/index.js';
import type { Finished } from '../pipeline/finish.js';
import { documentJson, documentOf } from '../report/document.js';
import { analysisText } from '../report/text.js';

/**
 * What `analyze` and `merge` print and write for one analysis: the summary (or, with
 * `--json -`, the JSON) on stdout, the JSON to a file, the report folder, and warnings on stderr.
 */
export async function outputAnalysis(result: Finished, flags: { json?: string; out?: string }, version: string): Promise<void> {
  const doc = documentOf(result, ANALYSES, version);
  const json = JSON.stringify(documentJson(doc), null, 1) + '\n';
  if (flags.json === '-') process.stdout.write(json);
  else {
    process.stdout.write(analysisText(doc, ANALYSES));
    if (flags.json) await writeFile(flags.json, json);
  }
  if (flags.out) {
    // Plots need vega (slow to load): only when asked for.
    const { writeReport } = await import('../report/write.js');
    const files = await writeReport(flags.out, doc, ANALYSES);
    process.stderr.write(`mdpost: wrote ${files.length} files to ${flags.out}/ (open ${flags.out}/index.html)\n`);
  }
  for (const w of result.warnings) process.stderr.write(`mdpost: warning: ${w}\n`);
}
