import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError } from '../model/errors.js';

/*
 * Where results will be written is checked before the work starts: a typo in --json or --out
 * should cost a second, not the hour an analysis of a long run takes.
 */

async function statOrNull(path: string) {
  return stat(path).catch(() => null);
}

async function writableFolder(dir: string): Promise<boolean> {
  return access(dir, constants.W_OK).then(
    () => true,
    () => false,
  );
}

/** A file the command will write (`-` is standard output): its folder exists and is writable, and it is not a folder. */
export async function checkOutputFile(path: string | undefined, option: string): Promise<void> {
  if (path === undefined || path === '-') return;
  const here = await statOrNull(path);
  if (here?.isDirectory()) throw new InputError(`${option} ${path}: is a folder; give a file name`);
  const dir = dirname(resolve(path));
  const parent = await statOrNull(dir);
  if (!parent) throw new InputError(`${option} ${path}: the folder ${dir} does not exist`);
  if (!parent.isDirectory()) throw new InputError(`${option} ${path}: ${dir} is not a folder`);
  if (!(await writableFolder(dir))) throw new InputError(`${option} ${path}: cannot write in ${dir} (permission denied)`);
}

/** A folder the command will create if needed: not an existing file, and creatable where it is missing. */
export async function checkOutputFolder(path: string | undefined, option: string): Promise<void> {
  if (path === undefined) return;
  let dir = resolve(path);
  const here = await statOrNull(dir);
  if (here && !here.isDirectory()) throw new InputError(`${option} ${path}: is a file, not a folder`);
  // The nearest existing ancestor must be a folder this process can write in.
  let st = here;
  while (!st) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
    st = await statOrNull(dir);
  }
  if (st && !st.isDirectory()) throw new InputError(`${option} ${path}: ${dir} is a file, not a folder`);
  if (!(await writableFolder(dir))) throw new InputError(`${option} ${path}: cannot write in ${dir} (permission denied)`);
}

/**
 * A file-system failure the user can act on (a path that vanished, a full or read-only disk):
 * one line naming the path, as for any input error. Other errors are left alone.
 */
export function fileSystemError(e: unknown): InputError | null {
  const err = e as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or folder',
    ENOTDIR: 'a part of the path is not a folder',
    EISDIR: 'is a folder',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EEXIST: 'already exists',
  };
  if (!err || typeof err.code !== 'string' || !(err.code in reasons) || typeof err.path !== 'string') return null;
  return new InputError(`${err.path}: ${reasons[err.code]}`);
}
