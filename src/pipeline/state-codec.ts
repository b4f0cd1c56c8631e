import { InputError } from '../model/errors.js';
import type { AnalysisRegistry } from './contract.js';
import type { FoldState } from './fold.js';
import type { Plan } from './plan.js';

/**
 * A fold state as plain data — what crosses to another thread (structured cloning, typed arrays
 * transferred) and what an `.mdstate` file holds — and back. Each analysis encodes its own state:
 * a WireFold has a FoldState's shape, with every analysis's state in its encoded form.
 */
export type WireFold = FoldState;

export function foldToWire(registry: AnalysisRegistry, state: FoldState): WireFold {
  const analyses: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(state.analyses)) analyses[key] = registry.get(key)!.encode(s);
  return { ...state, analyses };
}

export function foldFromWire(plan: Plan, registry: AnalysisRegistry, wire: WireFold): FoldState {
  const analyses: Record<string, unknown> = {};
  for (const { key, prepared } of plan.analyses) {
    if (!(key in wire.analyses)) throw new InputError(`a partial state without the ${key} analysis of its plan`);
    analyses[key] = registry.get(key)!.decode(prepared, wire.analyses[key]);
  }
  return { ...wire, analyses };
}

/** A partial analysis: the plan and the folded state of some frames of one trajectory. */
export interface SavedFold {
  plan: Plan;
  state: FoldState;
  warnings: string[];
}

/**
 * The bytes of an `.mdstate` file: a text line `MDPOST-STATE 2`, the byte length of a JSON
 * document on the next line, the JSON (typed arrays replaced by {"$typed": type, "offset",
 * "length"}), then the arrays' bytes, each 8-byte aligned — compact, exact, and readable
 * without a schema library.
 */
const MAGIC = 'MDPOST-STATE 2\n';

type Typed = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;
const CTORS: Record<string, new (buf: ArrayBuffer, offset: number, length: number) => Typed> = { Float64Array, Float32Array, Int32Array, Uint32Array, Uint8Array };

export function encodeSavedFold(registry: AnalysisRegistry, saved: SavedFold): Buffer {
  const blobs: Buffer[] = [];
  let size = 0;
  const replace = (value: unknown): unknown => {
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const t = value as Typed;
      const bytes = Buffer.from(t.buffer, t.byteOffset, t.byteLength);
      const offset = size;
      const padded = Math.ceil(bytes.length / 8) * 8;
      blobs.push(bytes, Buffer.alloc(padded - bytes.length));
      size += padded;
      return { $typed: t.constructor.name, offset, length: t.length };
    }
    if (Array.isArray(value)) return value.map(replace);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
    return value;
  };
  const plain = replace({ ...saved, state: foldToWire(registry, saved.state) });
  const json = Buffer.from(JSON.stringify(plain));
  const head = Buffer.from(`${MAGIC}${json.length}\n`);
  const pad = Buffer.alloc((8 - ((head.length + json.length) % 8)) % 8, 32);
  return Buffer.concat([head, json, pad, ...blobs]);
}

export function decodeSavedFold(registry: AnalysisRegistry, buf: Buffer, file: string): SavedFold {
  if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    const older = buf.toString('latin1', 0, 13) === 'MDPOST-STATE ';
    throw new InputError(`${file}: ${older ? 'a state file of another mdpost version; fold the part again with this one' : `not an mdpost state file (it should start with "${MAGIC.trim()}")`}`);
  }
  const nl = buf.indexOf(10, MAGIC.length);
  const jsonLength = Number(buf.toString('latin1', MAGIC.length, nl));
  const jsonStart = nl + 1;
  const blobStart = Math.ceil((jsonStart + jsonLength) / 8) * 8;
  if (!Number.isInteger(jsonLength) || blobStart > buf.length) throw new InputError(`${file}: the state file is truncated or damaged`);
  // Copy the arrays into their own aligned memory (a Buffer from readFile may not be 8-byte aligned).
  const blob = new Uint8Array(buf.length - blobStart);
  blob.set(buf.subarray(blobStart));
  const restore = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(restore);
    if (value && typeof value === 'object') {
      const v = value as Record<string, unknown>;
      if (typeof v.$typed === 'string') {
        const Ctor = CTORS[v.$typed];
        const offset = v.offset as number, length = v.length as number;
        if (!Ctor || !Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length * Ctor.prototype.BYTES_PER_ELEMENT > blob.length) {
          throw new InputError(`${file}: the state file is damaged (an array outside its data)`);
        }
        return new Ctor(blob.buffer, offset, length);
      }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, restore(x)]));
    }
    return value;
  };
  let plain: { plan: Plan; state: WireFold; warnings: string[] };
  try {
    plain = restore(JSON.parse(buf.toString('utf8', jsonStart, jsonStart + jsonLength))) as typeof plain;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}: the state file is damaged (${(e as Error).message})`);
  }
  for (const { key } of plain.plan.analyses) {
    if (!registry.get(key)) throw new InputError(`${file}: a state of an analysis (${key}) this mdpost does not know`);
  }
  let state: FoldState;
  try {
    state = foldFromWire(plain.plan, registry, plain.state);
  } catch (e) {
    // An analysis's decode names what is wrong in its state, not the file.
    if (e instanceof InputError && !e.message.startsWith(`${file}:`)) throw new InputError(`${file}: ${e.message}`);
    throw e;
  }
  return { plan: plain.plan, state, warnings: plain.warnings };
}
