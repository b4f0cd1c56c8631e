import type { Analysis, AnalysisRegistry, DocumentPart } from '../pipeline/contract.js';
import type { Finished } from '../pipeline/finish.js';
import { maybe, num, numOrNull, object, str, strs, type Json } from './json-check.js';

/**
 * The results document of one analysed trajectory — what `mdpost analyze --json` prints and
 * analysis.json holds (lengths Å, times ps):
 *
 *   { "mdpost": version, "input": {file, format, atoms, frames, dt_ps, …},
 *     "<section key>": … for each analysis (msd, rdf, transference, …), "warnings": [...] }
 *
 * Every report — the terminal summary, the HTML page, CSV tables, plots, the viewer, a batch
 * summary — is made from this document, so a result read back from a file reports exactly as a
 * fresh one.
 */
export interface InputSection {
  file: string;
  format: string;
  atoms: number;
  /** Frames used. */
  frames: number;
  /** Time between the frames used, ps. */
  dt_ps: number | null;
  dt_file_ps: number | null;
  dt_source: string | null;
  first_frame: number;
  last_frame: number | null;
  stride: number;
  unwrapping: string[];
  molecules: { count: number; source: string } | null;
  /** What analyses add (remove_drift, …). */
  [more: string]: unknown;
}

export interface AnalysisDocument {
  mdpost: string;
  input: InputSection;
  /** Each analysis's section, by its document key, as the analysis reads it back (typed by `section`). */
  sections: Record<string, unknown>;
  warnings: string[];
}

/** The document of a finished analysis. */
export function documentOf(finished: Finished, registry: AnalysisRegistry, version: string): AnalysisDocument {
  const plan = finished.plan;
  const input: InputSection = {
    file: plan.spec.file,
    format: plan.format,
    atoms: plan.natoms,
    frames: finished.framesUsed,
    dt_ps: finished.dtUsedPs,
    dt_file_ps: plan.dtPs,
    dt_source: plan.dtSource,
    first_frame: plan.firstFrame,
    last_frame: plan.lastFrame,
    stride: plan.stride,
    unwrapping: finished.unwrapModes,
    molecules: plan.molecules,
  };
  const sections: Record<string, unknown> = {};
  for (const a of registry.all) {
    const ran = a.key in finished.results;
    const result = finished.results[a.key];
    Object.assign(input, a.document.input?.(ran ? result : undefined) ?? {});
    const key = a.document.key;
    if (key === null) continue;
    if (ran) sections[key] = a.document.toJson(result);
    else if ('absent' in a.document) sections[key] = a.document.absent;
  }
  return { mdpost: version, input, sections, warnings: [...finished.warnings] };
}

/** The document as JSON text's object: the sections at the top level, between input and warnings. */
export function documentJson(doc: AnalysisDocument): Json {
  return { mdpost: doc.mdpost, input: doc.input, ...doc.sections, warnings: doc.warnings };
}

/** A document read back from JSON (a file's contents, `where` names it), every section checked by its analysis. */
export function readDocument(raw: unknown, registry: AnalysisRegistry, where: string): AnalysisDocument {
  const d = object(raw, where);
  const w = `${where}: input`;
  const i = object(d.input, w);
  // Fields a hand-edited or older document may lack default to "not known"; wrong kinds are errors.
  const text = (key: string, fallback: string) => (i[key] === undefined || i[key] === null ? fallback : str(i, key, w));
  const count = (key: string, fallback: number) => (i[key] === undefined ? fallback : num(i, key, w));
  const input: InputSection = {
    ...i,
    file: text('file', ''),
    format: text('format', ''),
    atoms: num(i, 'atoms', w),
    frames: count('frames', 0),
    dt_ps: numOrNull(i, 'dt_ps', w),
    dt_file_ps: numOrNull(i, 'dt_file_ps', w),
    dt_source: i.dt_source === undefined || i.dt_source === null ? null : str(i, 'dt_source', w),
    first_frame: count('first_frame', 0),
    last_frame: numOrNull(i, 'last_frame', w),
    stride: count('stride', 1),
    unwrapping: strs(i, 'unwrapping', w),
    molecules: maybe(i, 'molecules', w, (m, mw) => ({ count: num(m, 'count', mw), source: str(m, 'source', mw) })),
  };
  const sections: Record<string, unknown> = {};
  for (const a of registry.all) {
    const key = a.document.key;
    if (key === null || !(key in d)) continue;
    sections[key] = a.document.read(d[key], `${where}: ${key}`);
  }
  return { mdpost: typeof d.mdpost === 'string' ? d.mdpost : '', input, sections, warnings: d.warnings === undefined ? [] : strs(d, 'warnings', where) };
}

/** An analysis's section of a document, typed (undefined when the document has none). */
export function section<S>(doc: AnalysisDocument, analysis: { document: DocumentPart<never, S> }): S | undefined {
  const key = analysis.document.key;
  return key === null ? undefined : (doc.sections[key] as S | undefined);
}

/** Each analysis with its section, in registry order, for the reports to loop over. */
export function sectionsOf(doc: AnalysisDocument, registry: AnalysisRegistry): { analysis: Analysis; section: unknown }[] {
  return registry.all.filter((a) => a.document.key !== null && a.document.key in doc.sections).map((a) => ({ analysis: a, section: doc.sections[a.document.key!] }));
}
