import { readFile, writeFile } from 'node:fs/promises';
import { ANALYSES } from '../analyses/index.js';
import { InputError } from '../model/errors.js';
import { decodeSavedFold, encodeSavedFold, type SavedFold } from '../pipeline/state-codec.js';

/**
 * A partial analysis on disk (an `.mdstate` file): the plan and the folded state of some frames
 * of one trajectory — what a worker thread hands back, but for another process or another
 * machine (a batch shard, a Slurm array task). `mdpost merge` joins such files with the same
 * merge the threads use.
 */
export async function saveFold(path: string, saved: SavedFold): Promise<void> {
  await writeFile(path, encodeSavedFold(ANALYSES, saved));
}

export async function loadFold(path: string): Promise<SavedFold> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new InputError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return decodeSavedFold(ANALYSES, buf, path);
}
