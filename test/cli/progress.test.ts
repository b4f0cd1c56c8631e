import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { progressBar } from '../../src/cli/progress.js';

/** The bar on stderr: only on a terminal, only once a run is worth watching, never in logs. */
describe('progress bar', () => {
  let written = '';
  const tty = process.stderr.isTTY;
  const quiet = process.env.MDPOST_NO_PROGRESS;

  beforeEach(() => {
    written = '';
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written += String(chunk);
      return true;
    });
    delete process.env.MDPOST_NO_PROGRESS;
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
    Object.defineProperty(process.stderr, 'isTTY', { value: tty, configurable: true });
    if (quiet !== undefined) process.env.MDPOST_NO_PROGRESS = quiet;
  });

  const run = () => {
    const bar = progressBar('analysing');
    bar.update(10e6, 100e6);
    vi.advanceTimersByTime(600);
    bar.update(40e6, 100e6);
    vi.advanceTimersByTime(600);
    bar.update(70e6, 100e6);
    const shown = written;
    bar.stop();
    return shown;
  };

  it('on a terminal: after half a second, label, bar, percentage, MB done of total and ETA', () => {
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    const shown = run();
    expect(shown).toMatch(/analysing \[[█░]+\] 70% \| 70\/100 MB \| ETA \d+s/);
  });

  it('not on a terminal, or with MDPOST_NO_PROGRESS set: nothing at all', () => {
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    expect(run()).toBe('');
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    process.env.MDPOST_NO_PROGRESS = '1';
    expect(run()).toBe('');
  });

  it('a run shorter than half a second shows no bar', () => {
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    const bar = progressBar('analysing');
    bar.update(50e6, 100e6);
    bar.update(100e6, 100e6);
    bar.stop();
    expect(written).toBe('');
  });
});
