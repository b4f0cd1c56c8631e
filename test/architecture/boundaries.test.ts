import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/io.js';

/** The layering of ARCHITECTURE.md, as rules a change cannot break without a failing test. */
describe('the layers keep to their imports (dependency-cruiser, .dependency-cruiser.cjs)', () => {
  it('no import crosses a layer, no cycle, no file or thread access in the science, the analyses or the pipeline', () => {
    let out: string;
    try {
      out = execFileSync(process.execPath, [join(REPO, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: REPO, encoding: 'utf8' });
    } catch (e) {
      out = `${(e as { stdout?: string }).stdout ?? ''}${(e as { stderr?: string }).stderr ?? ''}`;
      expect.fail(`dependency-cruiser found violations:\n${out}`);
    }
    expect(out).toMatch(/no dependency violations found/);
  });
});

describe('only the commands handle the process', () => {
  const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
  const library = files(join(REPO, 'src')).filter((f) => !relative(join(REPO, 'src'), f).startsWith('cli/'));

  it('library code never ends the process or listens for signals (Ctrl-C belongs to the command)', () => {
    const offenders = library.filter((f) => /process\.exit\s*\(|process\.(on|once)\s*\(\s*['"]SIG/.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => relative(REPO, f))).toEqual([]);
  });
});
