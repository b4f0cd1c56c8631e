import { writeFile } from 'node:fs/promises';
import type { AnalysisResult } from '../parallel/finish.js';
import { analysisJson } from '../report/json.js';
import { analysisText } from '../report/text.js';

/**
 * What `analyze` and `merge` print and write for one analysis: the summary (or, with
 * `--json -`, the JSON) on stdout, the JSON to a file, the report folder, and warnings on stderr.
 */
export async function outputAnalysis(result: AnalysisResult, flags: { json?: string; out?: string }, version: string): Promise<void> {
  const json = analysisJson(result, version);
  if (flags.json === '-') process.stdout.write(JSON.stringify(json, null, 1) + '\n');
  else {
    process.stdout.write(analysisText(result));
    if (flags.json) await writeFile(flags.json, JSON.stringify(json, null, 1) + '\n');
  }
  if (flags.out) {
    // Plots need vega (slow to load): only when asked for.
    const { writeReport } = await import('../report/write.js');
    const files = await writeReport(flags.out, result, version);
    process.stderr.write(`mdpost: wrote ${files.length} files to ${flags.out}/ (open ${flags.out}/index.html)\n`);
  }
  for (const w of result.warnings) process.stderr.write(`mdpost: warning: ${w}\n`);
}
