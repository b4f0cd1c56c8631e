import type * as CliProgress from 'cli-progress';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A progress bar on stderr for long runs, shown only when stderr is a terminal (so logs and
 * pipes stay clean) and only once a run has taken long enough to be worth watching.
 */
export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export function progressBar(label: string, unit: 'MB' | 'frames' | 'files' = 'MB'): Progress {
  if (!process.stderr.isTTY || process.env.MDPOST_NO_PROGRESS) return { update() {}, stop() {} };
  const started = Date.now();
  let bar: CliProgress.SingleBar | null = null;
  let last = 0;
  const scale = unit === 'MB' ? 1e-6 : 1;
  return {
    update(done, total) {
      const now = Date.now();
      if (!bar) {
        if (now - started < 500) return;
        // Loaded only for a run long enough to show a bar: most runs never draw one.
        const cliProgress = require('cli-progress') as typeof CliProgress;
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}`,
            hideCursor: true,
            clearOnComplete: true,
            barsize: 30,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(1, Math.round(total * scale)), 0);
      }
      if (now - last < 100) return;
      last = now;
      bar.setTotal(Math.max(1, Math.round(total * scale)));
      bar.update(Math.round(done * scale));
    },
    stop() {
      bar?.stop();
    },
  };
}
