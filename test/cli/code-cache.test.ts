import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, REPO } from '../support/io.js';

/**
 * bin/mdpost.js and the worker threads load dist/bundle/*.cjs with the V8 code cache the build
 * wrote beside each (bin/load-bundle.cjs). A cache that does not fit (another build, another
 * Node, other V8 flags, damaged, missing) must only cost time: the bundle is compiled as usual
 * and runs the same.
 */
const TRAJ = join(FIXTURES, 'sim/lammps-data-dcd/traj.lammpstrj.gz');
// Worker threads decompress and fold this small file, so that they load their bundle too.
const ANALYZE = ['analyze', TRAJ, '--msd', 'Na', '--dt', '1', '--workers', '2', '--json', '/dev/null'];
const LOADED = /^\[mdpost [^\]]*?( thread \d+)?\] bundle loaded, (from its code cache|compiled \(no usable code cache\))$/gm;
// A cache file: the build's 32-character id, then V8's data, which begins with a magic number and
// a hash of V8's version.
const V8_VERSION_HASH_AT = 32 + 4;

function run(root: string, args: string[], nodeFlags: string[] = []) {
  const r = spawnSync(process.execPath, [...nodeFlags, join(root, 'bin/mdpost.js'), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, MDPOST_NO_PROGRESS: '1', MDPOST_TRACE: '1', MDPOST_MIN_PARALLEL_BYTES: '1' },
  });
  const loads = [...r.stderr.matchAll(LOADED)].map((m) => ({ thread: m[1] !== undefined, cached: m[2] === 'from its code cache' }));
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, loads };
}

/**
 * How the command line and its worker threads loaded their bundles: `cached` for each. A thread
 * the run did not need may be closed before it has loaded (on a busy machine), so the threads
 * are counted from one.
 */
function expectLoads(loads: { thread: boolean; cached: boolean }[], cached: boolean): void {
  expect(loads.filter((l) => !l.thread)).toEqual([{ thread: false, cached }]);
  const threads = loads.filter((l) => l.thread);
  expect(threads.length).toBeGreaterThanOrEqual(1);
  expect(threads.length).toBeLessThanOrEqual(2);
  expect(threads.every((l) => l.cached === cached)).toBe(true);
}

const copies: string[] = [];
/** A copy of the built package (bin/, dist/bundle/) whose bundles or caches a test may spoil. */
function builtCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'mdpost-cache-'));
  copies.push(root);
  cpSync(join(REPO, 'package.json'), join(root, 'package.json'));
  cpSync(join(REPO, 'bin'), join(root, 'bin'), { recursive: true });
  cpSync(join(REPO, 'dist/bundle'), join(root, 'dist/bundle'), { recursive: true, filter: (f) => !f.endsWith('.map') });
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}
afterAll(() => {
  for (const root of copies) rmSync(root, { recursive: true, force: true });
});

const reference = run(REPO, ANALYZE);

describe('the bundles start from their code caches', () => {
  it('a fresh build: the command line and each of its two worker threads load from the cache', () => {
    expect(reference.code, reference.stderr).toBe(0);
    expectLoads(reference.loads, true);
    expect(reference.stdout).toMatch(/Na\s+8 atoms\s+D = /);
    const version = run(REPO, ['--version']);
    expect([version.code, version.stdout, version.loads]).toEqual([0, `${JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version}\n`, [{ thread: false, cached: true }]]);
  });

  it('the bundles are pure ASCII, as the loader reads them (latin1), and still print non-ASCII text', () => {
    for (const name of ['mdpost', 'task']) {
      const bytes = readFileSync(join(REPO, `dist/bundle/${name}.cjs`));
      expect(bytes.findIndex((b) => b > 0x7f), name).toBe(-1);
    }
    expect(reference.stdout).toMatch(/Å²\/ps/);
  });

  it('caches of another V8 version are refused, and the bundles are compiled and run the same', () => {
    const root = builtCopy();
    for (const name of ['mdpost', 'task']) {
      const file = join(root, `dist/bundle/${name}.v8cache`);
      const bytes = readFileSync(file);
      bytes[V8_VERSION_HASH_AT] ^= 0xff;
      writeFileSync(file, bytes);
    }
    const r = run(root, ANALYZE);
    expect([r.code, r.stdout]).toEqual([0, reference.stdout]);
    expectLoads(r.loads, false);
  });

  it('caches of another build are refused even where V8 would take them (a bundle of the same length)', () => {
    const root = builtCopy();
    for (const name of ['mdpost', 'task']) {
      const file = join(root, `dist/bundle/${name}.cjs`);
      const source = readFileSync(file, 'utf8');
      const other = source.replace(/^\/\/ mdpost-build ([0-9a-f]{32})/, (_, id: string) => `// mdpost-build ${id.replace(/./g, (c) => (c === '0' ? '1' : '0'))}`);
      expect(other).not.toBe(source);
      expect(other.length).toBe(source.length);
      writeFileSync(file, other);
    }
    const r = run(root, ANALYZE);
    expect([r.code, r.stdout]).toEqual([0, reference.stdout]);
    expectLoads(r.loads, false);
  });

  it('missing or damaged caches are ignored', () => {
    const root = builtCopy();
    rmSync(join(root, 'dist/bundle/mdpost.v8cache'));
    const task = join(root, 'dist/bundle/task.v8cache');
    writeFileSync(task, readFileSync(task).subarray(0, 40));
    const r = run(root, ANALYZE);
    expect([r.code, r.stdout]).toEqual([0, reference.stdout]);
    expectLoads(r.loads, false);
  });

  it('Node run with other V8 flags than the build refuses the caches and runs the same', () => {
    const r = run(REPO, ANALYZE, ['--max-old-space-size=3000']);
    expect([r.code, r.stdout]).toEqual([0, reference.stdout]);
    expectLoads(r.loads, false);
  });
});
