import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from '../model/errors.js';
import { ANALYSES } from '../analyses/index.js';
import { documentOf, readDocument } from '../report/document.js';
import { renderSvg } from '../report/plots.js';
import { writeReport } from '../report/write.js';
import { joinParts } from '../run/join.js';
import { loadFold } from '../run/state-file.js';
import type { BatchEntry } from './job.js';
import { readMeta, type EntryMeta } from './run.js';
import { arrheniusPlotSpec, msdOverlaySpec, summarize, summaryCsv, summaryHtml, summaryJson, type DUnit, type RowInput, type Summary } from './summary.js';

/**
 * A batch's output folder holds batch.json (its entries, in job order) beside one folder per
 * entry. Collecting reads one or more such folders — the shards of a batch run on different
 * machines — into one: results are copied over, the parts of a split trajectory are joined
 * (whichever shard folded them), and the summary is written. One folder alone gives the same
 * summary as the shards together.
 */
export interface BatchManifest {
  mdpost: string;
  unit: DUnit;
  entries: { index: number; id: string; file: string; label: string; temperatureK: number | null; part: { k: number; n: number } | null }[];
}

export function manifestOf(entries: BatchEntry[], unit: DUnit, version: string): BatchManifest {
  return { mdpost: version, unit, entries: entries.map(({ index, id, file, label, temperatureK, part }) => ({ index, id, file, label, temperatureK, part })) };
}

export async function readManifest(dir: string): Promise<BatchManifest> {
  try {
    return JSON.parse(await readFile(join(dir, 'batch.json'), 'utf8'));
  } catch {
    throw new InputError(`${dir}: not a batch output folder (no batch.json); give the --out folders of mdpost batch`);
  }
}

/**
 * `only`: the job positions this summary is of (a shard's own entries); the others are neither
 * reported nor counted as missing.
 */
export async function collect(dirs: string[], out: string, version: string, unit?: DUnit, only?: ReadonlySet<number>): Promise<Summary> {
  const manifests = await Promise.all(dirs.map(readManifest));
  const key = (m: BatchManifest) => JSON.stringify(m.entries.map(({ id, file, part }) => [id, file, part]));
  for (let k = 1; k < manifests.length; k++) {
    if (key(manifests[k]) !== key(manifests[0])) throw new InputError(`${dirs[k]}: a shard of a different batch than ${dirs[0]} (the job's files differ)`);
  }
  const manifest = { ...manifests[0], unit: unit ?? manifests[0].unit };
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'batch.json'), JSON.stringify(manifest, null, 1) + '\n');
  const outAbs = resolve(out);
  /** The first folder holding a result of this entry: an ok one if any shard has it. */
  const find = async (id: string): Promise<{ dir: string; meta: EntryMeta } | null> => {
    let failed: { dir: string; meta: EntryMeta } | null = null;
    for (const d of dirs) {
      const meta = await readMeta(join(d, id));
      if (meta?.status === 'ok') return { dir: d, meta };
      if (meta && !failed) failed = { dir: d, meta };
    }
    return failed;
  };
  const rows: RowInput[] = [];
  const mine = (e: { index: number }) => !only || only.has(e.index);
  const whole = manifest.entries.filter((e) => e.part === null && mine(e));
  for (const e of whole) {
    const found = await find(e.id);
    const base = { index: e.index, id: e.id, label: e.label, temperatureK: e.temperatureK, file: e.file };
    if (!found) {
      rows.push({ ...base, status: 'missing', error: 'not run yet (another shard, or the batch was interrupted)' });
      continue;
    }
    if (resolve(found.dir) !== outAbs) await cp(join(found.dir, e.id), join(out, e.id), { recursive: true });
    if (found.meta.status !== 'ok') {
      rows.push({ ...base, status: 'failed', error: found.meta.error });
      continue;
    }
    const file = join(out, e.id, 'analysis.json');
    try {
      rows.push({ ...base, status: 'ok', analysis: readDocument(JSON.parse(await readFile(file, 'utf8')), ANALYSES, file) });
    } catch (err) {
      rows.push({ ...base, status: 'failed', error: err instanceof InputError ? err.message : `${file}: not valid JSON (${(err as Error).message})` });
    }
  }
  // Trajectories split into parts: join the parts' states once all are there.
  const groups = new Map<string, typeof manifest.entries>();
  for (const e of manifest.entries.filter((x) => x.part !== null)) {
    const baseId = e.id.replace(/\.part-\d+-of-\d+$/, '');
    groups.set(baseId, [...(groups.get(baseId) ?? []), e]);
  }
  for (const [baseId, parts] of groups) {
    // A trajectory split across shards is joined where all its parts are: at the merge.
    if (!parts.every(mine)) continue;
    const first = parts[0];
    const base = { index: first.index, id: baseId, label: first.label, temperatureK: first.temperatureK, file: first.file };
    const found = await Promise.all(parts.map((p) => find(p.id)));
    const failed = found.find((f) => f?.meta.status === 'failed');
    if (failed) {
      rows.push({ ...base, status: 'failed', error: `part ${failed.meta.part!.k + 1} of ${failed.meta.part!.n}: ${failed.meta.error}` });
      continue;
    }
    if (found.some((f) => f === null)) {
      rows.push({ ...base, status: 'missing', error: `${found.filter((f) => f === null).length} of ${parts.length} parts not run yet` });
      continue;
    }
    try {
      const names = found.map((f, k) => join(f!.dir, parts[k].id, 'part.mdstate'));
      const doc = documentOf(await joinParts(await Promise.all(names.map(loadFold)), names), ANALYSES, version);
      await writeReport(join(out, baseId), doc, ANALYSES);
      rows.push({ ...base, status: 'ok', analysis: doc });
    } catch (e) {
      rows.push({ ...base, status: 'failed', error: e instanceof InputError ? e.message : String(e) });
    }
  }
  const summary = summarize(rows, manifest.unit);
  await writeSummary(out, summary, rows, version);
  return summary;
}

/** summary.json, summary.csv, summary.html with the Arrhenius plot and every run's MSD overlaid. */
export async function writeSummary(out: string, s: Summary, rows: RowInput[], version: string): Promise<void> {
  await writeFile(join(out, 'summary.json'), JSON.stringify(summaryJson(s, version), null, 1) + '\n');
  await writeFile(join(out, 'summary.csv'), summaryCsv(s));
  const plots: { title: string; svg: string }[] = [];
  if (s.arrhenius.length > 0) {
    const svg = await renderSvg(arrheniusPlotSpec(s));
    await writeFile(join(out, 'arrhenius.svg'), svg);
    plots.push({ title: 'Arrhenius plot', svg });
  }
  const overlay = msdOverlaySpec(rows);
  if (overlay) {
    const svg = await renderSvg(overlay);
    await writeFile(join(out, 'msd-all-runs.svg'), svg);
    plots.push({ title: 'MSD of every run', svg });
  }
  await writeFile(join(out, 'summary.html'), summaryHtml(s, plots, version));
}
