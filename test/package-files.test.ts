import { describe, expect, it } from 'vitest';
import { alignWasm, builtWasmModule, wasmLayout } from '../src/package-files.js';

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
