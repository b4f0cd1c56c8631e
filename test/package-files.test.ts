import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { alignWasm, builtWasmModule, checkedWasmModule, wasmLayout } from '../src/package-files.js';
import { ensureWasmBuilt } from './support/built-wasm.js';
import { REPO } from './support/io.js';

describe('the WebAssembly modules of the build', () => {
  it('are compiled from the package’s dist/ when the build made them', () => {
    const built = builtWasmModule('dist/src/io/dump-rows.wasm');
    // The test command builds first (npm test); run alone before a build, the file is missing.
    if (typeof built === 'string') expect(built).toBe('dump-rows.wasm not found (npm run build makes it)');
    else expect(WebAssembly.Module.exports(built).map((e) => e.name)).toContain('parseRows');
  });

  it('say why there is none: not built, or refused by the loader’s own check', () => {
    expect(builtWasmModule('dist/src/no-such-kernel.wasm')).toBe('no-such-kernel.wasm not found (npm run build makes it)');
    // package.json is no module: the compiler refuses it, and the loader says so.
    expect(builtWasmModule('package.json')).toMatch(/^package\.json does not compile here: /);
    expect(
      builtWasmModule('package.json', () => {
        throw new Error('it is of another version than this code');
      }),
    ).toBe('package.json does not compile here: it is of another version than this code');
  });
});

describe('a module checked to be of this code’s version', () => {
  afterEach(() => vi.unstubAllEnvs());
  const FILE = 'dist/src/io/dump-rows.wasm';

  it('is used when each function named has its number of parameters, and says where its heap starts', async () => {
    ensureWasmBuilt('dump-rows', join(REPO, FILE));
    vi.resetModules();
    const fresh = await import('../src/package-files.js');
    const m = fresh.checkedWasmModule(FILE, { begin: 0, parseRows: 20 }, 'MDPOST_TEST_CHOICE');
    expect(m).not.toBeNull();
    expect(m!.heapBase).toBeGreaterThan(0);
    // Once per thread: the same module again.
    expect(fresh.checkedWasmModule(FILE, { begin: 0, parseRows: 20 }, 'MDPOST_TEST_CHOICE')).toBe(m);
  });

  it('is refused as another version for a function missing or of another arity, an error only when asked for', async () => {
    ensureWasmBuilt('dump-rows', join(REPO, FILE));
    for (const arity of [{ parseRows: 19 }, { noSuchExport: 0 }]) {
      vi.resetModules();
      const fresh = await import('../src/package-files.js');
      expect(fresh.checkedWasmModule(FILE, arity, 'MDPOST_TEST_CHOICE')).toBeNull();
      vi.resetModules();
      vi.stubEnv('MDPOST_TEST_CHOICE', 'wasm');
      const forced = await import('../src/package-files.js');
      expect(() => forced.checkedWasmModule(FILE, arity, 'MDPOST_TEST_CHOICE')).toThrow(
        'MDPOST_TEST_CHOICE=wasm: dump-rows.wasm does not compile here: it is of another version than this code (npm run build makes it)',
      );
      vi.unstubAllEnvs();
    }
  });

  it('is not used when its variable says js, nor when it is not built', () => {
    vi.stubEnv('MDPOST_TEST_OFF', 'js');
    expect(checkedWasmModule(FILE, {}, 'MDPOST_TEST_OFF')).toBeNull();
    expect(checkedWasmModule('dist/src/no-such-kernel.wasm', {}, 'MDPOST_TEST_CHOICE')).toBeNull();
    vi.stubEnv('MDPOST_TEST_ON', 'wasm');
    expect(() => checkedWasmModule('dist/src/no-such-other.wasm', {}, 'MDPOST_TEST_ON')).toThrow('MDPOST_TEST_ON=wasm: no-such-other.wasm not found (npm run build makes it)');
  });
});

describe('arrays laid out in a WebAssembly memory', () => {
  it('start on 16-byte boundaries, one after another, from the heap start', () => {
    const { take, end } = wasmLayout(1030);
    expect([take(1), take(16), take(0), take(17), end()]).toEqual([1040, 1056, 1072, 1072, 1104]);
  });

  it('align offsets towards 4 GiB, past what 32-bit integers hold', () => {
    expect(alignWasm(2 ** 31 + 1)).toBe(2 ** 31 + 16);
    expect(alignWasm(2 ** 32 - 17)).toBe(2 ** 32 - 16);
    expect(alignWasm(0)).toBe(0);
  });
});
