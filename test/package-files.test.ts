import { describe, expect, it } from 'vitest';
import { builtWasmModule } from '../src/package-files.js';

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
