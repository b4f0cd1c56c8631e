import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutputFile, checkOutputFolder, fileSystemError } from '../../src/cli/output-paths.js';
import { InputError } from '../../src/model/errors.js';

describe('output paths are checked before the work starts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mdpost-out-'));
  const file = join(dir, 'file.txt');
  writeFileSync(file, 'x');

  it('accepts standard output, a new file in an existing folder, an existing file, and folders still to be made', async () => {
    await checkOutputFile('-', '--json');
    await checkOutputFile(join(dir, 'new.json'), '--json');
    await checkOutputFile(file, '--json');
    await checkOutputFile(undefined, '--json');
    await checkOutputFolder(dir, '--out');
    await checkOutputFolder(join(dir, 'a', 'b', 'c'), '--out');
  });

  it('refuses a file in a missing folder, a folder as a file, a file as a folder, and a path through a file', async () => {
    await expect(checkOutputFile(join(dir, 'missing', 'a.json'), '--json')).rejects.toThrow(/--json .*missing\/a\.json: the folder .*missing does not exist/);
    await expect(checkOutputFile(dir, '--json')).rejects.toThrow(/is a folder; give a file name/);
    await expect(checkOutputFolder(file, '--out')).rejects.toThrow(/--out .*file\.txt: is a file, not a folder/);
    await expect(checkOutputFolder(join(file, 'x', 'y'), '--out')).rejects.toThrow(/file\.txt is a file, not a folder/);
    await expect(checkOutputFile(join(file, 'a.json'), '--json')).rejects.toBeInstanceOf(InputError);
  });
});

describe('file-system failures become one-line user errors', () => {
  it('names the path and the reason for the errors a user can act on', () => {
    const e = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', path: '/data/out/analysis.json' });
    expect(fileSystemError(e)?.message).toBe('/data/out/analysis.json: no space left on the device');
    expect(fileSystemError(Object.assign(new Error(''), { code: 'EROFS', path: '/ro' }))?.message).toBe('/ro: read-only file system');
  });

  it('leaves everything else alone (a bug keeps its stack trace)', () => {
    expect(fileSystemError(new TypeError('x is undefined'))).toBeNull();
    expect(fileSystemError(Object.assign(new Error(''), { code: 'ENOSPC' }))).toBeNull();
    expect(fileSystemError(Object.assign(new Error(''), { code: 'ERR_SOMETHING', path: '/x' }))).toBeNull();
  });
});
