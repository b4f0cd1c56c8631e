import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { vi } from 'vitest';
import { REPO } from './io.js';

/**
 * Compile wasm/NAME.ts to `builtFile` as package.json's build:wasm does, unless the build's file is
 * newer than its source: the tests of a WebAssembly module then run it rather than skip.
 */
export function ensureWasmBuilt(name: string, builtFile: string): void {
  const source = join(REPO, `wasm/${name}.ts`);
  if (existsSync(builtFile) && statSync(builtFile).mtimeMs >= statSync(source).mtimeMs) return;
  const script = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['build:wasm'];
  const command = script
    .split('&&')
    .map((s) => s.trim())
    .find((s) => s.startsWith(`asc wasm/${name}.ts`));
  if (!command) throw new Error(`package.json build:wasm does not compile wasm/${name}.ts`);
  const args = command.split(/\s+/).slice(1);
  // Written beside and renamed, so that no other test reads half a file.
  const out = args.indexOf('-o');
  const temp = `${builtFile}.${process.pid}.tmp`;
  args[out + 1] = temp;
  execFileSync(join(REPO, 'node_modules/.bin/asc'), args, { cwd: REPO, stdio: 'pipe' });
  renameSync(temp, builtFile);
}

/**
 * Make the next dynamic imports see a build without the WebAssembly module `file` (its name, as
 * src/package-files.ts reads it): node:fs's readFileSync throws ENOENT for it, as for a package
 * built without `npm run build:wasm`. Undo with vi.doUnmock('node:fs') and vi.resetModules().
 */
export function hideBuiltWasm(file: string): void {
  vi.resetModules();
  vi.doMock('node:fs', async (original) => {
    const fs = await original<typeof import('node:fs')>();
    const readFileSync = ((path: string, ...rest: unknown[]) => {
      if (String(path).endsWith(file)) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return (fs.readFileSync as (...a: unknown[]) => unknown)(path, ...rest);
    }) as typeof fs.readFileSync;
    return { ...fs, default: { ...fs, readFileSync }, readFileSync };
  });
}
