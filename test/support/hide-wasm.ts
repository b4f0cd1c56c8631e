import { vi } from 'vitest';

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
