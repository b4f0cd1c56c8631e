import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mdpost } from '../support/cli.js';
import { REPO } from '../support/io.js';

/** The arguments `npm start` gives mdpost (package.json's start script). */
function startArgs(): string[] {
  const start: string = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts.start;
  const words = start.match(/"[^"]*"|\S+/g) ?? [];
  expect(words.slice(0, 2)).toEqual(['node', 'bin/mdpost.js']);
  return words.slice(2).map((w) => w.replace(/^"(.*)"$/, '$1'));
}

describe('the README', () => {
  it('shows what `npm start` prints, number for number', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const shown = /`npm start` runs[\s\S]*?```\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(shown, 'the README has a block with the output of npm start').toBeDefined();

    const out = mkdtempSync(join(tmpdir(), 'mdpost-readme-'));
    const args = startArgs();
    const at = args.indexOf('--out');
    expect(at).toBeGreaterThan(0);
    args[at + 1] = out;
    const r = mdpost(args);
    expect(r.code, r.stderr).toBe(0);
    const printed = (r.stdout + r.stderr).replaceAll(out, 'out/nafsi-water');
    // npm's own banner (the script line) is not mdpost's output; the rest must match.
    expect(printed.trim()).toBe(shown!.trim());
  });
});
