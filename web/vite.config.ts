import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

/** The viewer page: built into dist/web, served by `mdpost view`. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
  },
  logLevel: 'warn',
});
