import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cloneFrame, type Frame } from '../../src/model/frame.js';
import { TrajectoryReader, type OpenOptions } from '../../src/io/reader.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const SHARED = resolve(REPO, '../shared/fixtures');
export const HAVE_SHARED = existsSync(SHARED);
export const FIXTURES = join(REPO, 'test/fixtures');

/** Path of a file in ../shared/fixtures (tests using it are skipped when the folder is absent). */
export function shared(name: string): string {
  return join(SHARED, name);
}

let scratch: string | null = null;
/** A file with the given content in a scratch folder; `.gz` names are gzip-compressed. */
export function tempFile(name: string, content: string | Buffer): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'mdpost-test-'));
  const path = join(scratch, name);
  const bytes = typeof content === 'string' ? Buffer.from(content, 'latin1') : content;
  writeFileSync(path, name.endsWith('.gz') ? gzipSync(bytes) : bytes);
  return path;
}

export interface ReadResult {
  frames: Frame[];
  reader: TrajectoryReader;
}

/** Read every frame (copied, since readers reuse their arrays). */
export async function readAll(path: string, options: OpenOptions = {}): Promise<ReadResult> {
  const reader = await TrajectoryReader.open(path, options);
  const frames: Frame[] = [];
  for await (const f of reader.frames()) frames.push(cloneFrame(f));
  return { frames, reader };
}

/** The error a read throws (fails the test if it does not throw). */
export async function readError(path: string, options: OpenOptions = {}): Promise<Error> {
  try {
    await readAll(path, options);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`expected reading ${path} to fail`);
}

/** Position of atom i as a plain array. */
export function pos(f: Frame, i: number): [number, number, number] {
  return [f.positions[3 * i], f.positions[3 * i + 1], f.positions[3 * i + 2]];
}
