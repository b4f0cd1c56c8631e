import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where mdpost's own files are. Its compiled modules run from two places: dist/src/… as tsc
 * writes them (the library, the tests), and dist/bundle/, the command line and the worker bundled
 * into one CommonJS file each (bin/mdpost.js runs it from its code cache: loading ~120 modules
 * one by one took ~80 ms of every run's start), where a module's URL is its bundle's. A module's
 * own URL then says little about where the package is, so the package's root is found as the
 * nearest folder above with mdpost's package.json.
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'mdpost') return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`internal: no mdpost package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** The package's root once found (each WebAssembly module, the version and the viewer ask for it). */
let root: string | undefined;

/** mdpost's version, from its package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Whether this module runs from the bundle (dist/bundle/) rather than tsc's dist/src/. */
export function runsBundled(): boolean {
  return fileURLToPath(import.meta.url).includes(`${sep}dist${sep}bundle${sep}`);
}

/**
 * `p` rounded up to a multiple of 16 bytes, where the WebAssembly modules' arrays start (v128
 * loads). Arithmetic rather than bitwise: a layout may reach towards 4 GiB, past 32-bit integers.
 */
export function alignWasm(p: number): number {
  return Math.ceil(p / 16) * 16;
}

/**
 * Arrays laid out one after another in a WebAssembly memory from `base` (a module's heap start),
 * each aligned: `take(bytes)` gives the next one's offset, `end()` where the last ends.
 */
export function wasmLayout(base: number): { take: (bytes: number) => number; end: () => number } {
  let p = alignWasm(base);
  return {
    take: (bytes) => {
      const at = p;
      p = alignWasm(p + bytes);
      return at;
    },
    end: () => p,
  };
}

/** A module of the build, compiled and checked, and where its instances' free memory starts. */
export interface CheckedWasm {
  mod: WebAssembly.Module;
  heapBase: number;
}

const checked = new Map<string, CheckedWasm | null>();

/**
 * The module of the build at `file`, compiled once per thread and checked to be of this code's
 * version: an instance on a one-page memory has `heapBase` and each function of `arity` with
 * that many parameters (a build of another version of wasm/ would be called with the wrong
 * arguments). Null when it is not built or does not compile here, or when the environment
 * variable `choice` is `js`; when it is `wasm`, the module's absence is an error instead.
 */
export function checkedWasmModule(file: string, arity: Record<string, number>, choice: string): CheckedWasm | null {
  const known = checked.get(file);
  if (known !== undefined) return known;
  checked.set(file, null);
  if (process.env[choice] === 'js') return null;
  let heapBase = 0;
  const built = builtWasmModule(file, (bytes) => {
    const mod = new WebAssembly.Module(bytes);
    const k = new WebAssembly.Instance(mod, { env: { memory: new WebAssembly.Memory({ initial: 1 }) } }).exports;
    const wrong = Object.entries({ heapBase: 0, ...arity }).some(([name, n]) => typeof k[name] !== 'function' || (k[name] as (...a: unknown[]) => unknown).length !== n);
    if (wrong) throw new Error('it is of another version than this code (npm run build makes it)');
    heapBase = (k.heapBase as () => number)();
    return mod;
  });
  if (typeof built === 'string') {
    if (process.env[choice] === 'wasm') throw new Error(`${choice}=wasm: ${built}`);
    return null;
  }
  const module = { mod: built, heapBase };
  checked.set(file, module);
  return module;
}

/**
 * A WebAssembly module of the build (`file`, e.g. dist/src/io/dump-rows.wasm), compiled by
 * `compile` (which may check or rewrite the bytes, and throws to refuse them), or, when there is
 * none, why: not built (the sources run before a build), or not compiling here.
 */
export function builtWasmModule(file: string, compile = (bytes: Uint8Array<ArrayBuffer>) => new WebAssembly.Module(bytes)): WebAssembly.Module | string {
  const name = basename(file);
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(readFileSync(join(packageRoot(), file)));
  } catch {
    return `${name} not found (npm run build makes it)`;
  }
  try {
    return compile(bytes);
  } catch (e) {
    return `${name} does not compile here: ${(e as Error).message}`;
  }
}
