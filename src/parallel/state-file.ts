import { readFile, writeFile } from 'node:fs/promises';
import { InputError } from '../model/errors.js';
import type { FoldState } from './fold.js';
import { seriesFromWire, seriesToWire, type WireSeries } from './merge.js';
import type { Plan } from './plan.js';

/**
 * A partial analysis on disk: the plan and the folded state of some frames of one trajectory —
 * what a worker thread hands back, but for another process or another machine (a batch shard,
 * a Slurm array task). `mdpost merge` joins such files with the same merge the threads use.
 *
 * Layout: a text line `MDPOST-STATE 1`, the byte length of a JSON document on the next line,
 * the JSON (typed arrays replaced by {"$typed": type, "offset", "length"}), then the arrays'
 * bytes, each 8-byte aligned — compact, exact, and readable without a schema library.
 */
const MAGIC = 'MDPOST-STATE 1\n';

export interface SavedFold {
  plan: Plan;
  state: FoldState;
  warnings: string[];
}

type Typed = Float64Array | Float32Array | Int32Array | Uint8Array;
const CTORS: Record<string, new (buf: ArrayBuffer, offset: number, length: number) => Typed> = { Float64Array, Float32Array, Int32Array, Uint8Array };

export function encodeFold(saved: SavedFold): Buffer {
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
  const plain = replace({ ...saved, state: { ...saved.state, msd: saved.state.msd.map(seriesToWire) } });
  const json = Buffer.from(JSON.stringify(plain));
  const head = Buffer.from(`${MAGIC}${json.length}\n`);
  const pad = Buffer.alloc((8 - ((head.length + json.length) % 8)) % 8, 32);
  return Buffer.concat([head, json, pad, ...blobs]);
}

export function decodeFold(buf: Buffer, file: string): SavedFold {
  if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new InputError(`${file}: not an mdpost state file (it should start with "${MAGIC.trim()}")`);
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
        if (!Ctor) throw new InputError(`${file}: unknown array type ${v.$typed}`);
        return new Ctor(blob.buffer, v.offset as number, v.length as number);
      }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, restore(x)]));
    }
    return value;
  };
  const plain = restore(JSON.parse(buf.toString('utf8', jsonStart, jsonStart + jsonLength))) as SavedFold & { state: { msd: WireSeries[] } };
  return { ...plain, state: { ...plain.state, msd: plain.state.msd.map(seriesFromWire) } as FoldState };
}

export async function saveFold(path: string, saved: SavedFold): Promise<void> {
  await writeFile(path, encodeFold(saved));
}

export async function loadFold(path: string): Promise<SavedFold> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new InputError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return decodeFold(buf, path);
}
