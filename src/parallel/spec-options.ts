import { InputError } from '../model/errors.js';
import { parseBoxOption, parsePositiveInt, parsePositiveTime, parseTypeMap } from '../model/parse-options.js';
import { parseLengthA, parseTimePs } from '../model/units.js';
import { defaultSpec, type AnalysisSpec } from './spec.js';

/**
 * An analysis described the way people write it — the `mdpost analyze` flags, or the same keys
 * in a batch job file — turned into a spec. Times take units ("0.5ps"), lengths are Å.
 */
export interface SpecOptions {
  format?: string;
  dt?: string;
  timestep?: string;
  box?: string;
  typeMap?: string;
  msd?: string[];
  /** "A,B" pairs. */
  rdf?: string[];
  rmax?: string;
  bins?: string;
  /** "auto" or "T0:T1". */
  fit?: string;
  begin?: string;
  end?: string;
  stride?: string;
  removeDrift?: boolean;
  /** "A:B" frame indices (B exclusive; "A:" to the end). */
  frames?: string;
}

export function specFromOptions(file: string, o: SpecOptions): AnalysisSpec {
  const spec = defaultSpec(file);
  spec.format = o.format ?? null;
  if (o.dt && o.timestep) throw new InputError('give either --dt (time between frames) or --timestep (MD step), not both');
  spec.dtPs = o.dt ? parsePositiveTime(String(o.dt), '--dt') : null;
  spec.timestepPs = o.timestep ? parsePositiveTime(String(o.timestep), '--timestep') : null;
  spec.box = o.box ? Array.from(parseBoxOption(String(o.box)).matrix) : null;
  spec.typeMap = o.typeMap ? [...parseTypeMap(o.typeMap)] : null;
  spec.msd = o.msd ?? [];
  spec.rdf = (o.rdf ?? []).map((pair) => {
    const parts = pair.split(',').map((p) => p.trim());
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw new InputError(`--rdf: expected two selections separated by a comma, e.g. "Na,O", not ${JSON.stringify(pair)}`);
    return [parts[0], parts[1]] as [string, string];
  });
  if (o.rmax) {
    spec.rmaxA = parseLengthA(String(o.rmax), '--rmax');
    if (!(spec.rmaxA > 0)) throw new InputError('--rmax must be positive');
  }
  spec.bins = o.bins ? parsePositiveInt(String(o.bins), '--bins') : null;
  if (o.fit && o.fit !== 'auto') {
    const m = /^([^:]+):([^:]+)$/.exec(o.fit);
    if (!m) throw new InputError(`--fit: expected "auto" or T0:T1 (ps), e.g. 10:50, not ${JSON.stringify(o.fit)}`);
    const from = parseTimePs(m[1], '--fit'), to = parseTimePs(m[2], '--fit');
    if (!(to > from) || from < 0) throw new InputError(`--fit: the window must run forward from t ≥ 0, not ${JSON.stringify(o.fit)}`);
    spec.fit = [from, to];
  }
  spec.beginPs = o.begin ? parseTimePs(String(o.begin), '--begin') : null;
  spec.endPs = o.end ? parseTimePs(String(o.end), '--end') : null;
  spec.stride = parsePositiveInt(String(o.stride ?? '1'), '--stride');
  spec.removeDrift = o.removeDrift ?? false;
  if (o.frames) {
    const m = /^(\d+):(\d*)$/.exec(o.frames);
    if (!m || (m[2] !== '' && Number(m[2]) <= Number(m[1]))) throw new InputError(`--frames: expected A:B frame numbers (from A up to, not including, B; "A:" to the end), not ${JSON.stringify(o.frames)}`);
    spec.frames = [Number(m[1]), m[2] === '' ? null : Number(m[2])];
  }
  return spec;
}
