import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mdpost } from '../support/cli.js';
import { NAFSI_DUMP } from '../support/nafsi.js';

/**
 * `mdpost view --analysis FILE` refusing a file as a user sees it: one error line, exit code 2,
 * no stack trace and no server started (these exit before a URL is printed; the accepted
 * cases, which keep serving, are tested in server-api.test.ts).
 */
describe('mdpost view --analysis: user errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mdpost-view-cli-'));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  /** A minimal analysis document as mdpost analyze --json writes it (only what the check reads matters). */
  const analysisOf = (file: string, atoms: number) =>
    JSON.stringify({ mdpost: '0.1.0', input: { file, format: 'lammps-dump', atoms, frames: 401, dt_ps: 0.5, first_frame: 0, last_frame: null, stride: 1 }, msd: [], rdf: [], transference: null, warnings: [] });

  const expectUserError = (r: { code: number; stdout: string; stderr: string }, ...patterns: RegExp[]) => {
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('mdpost: error: '));
    expect(lines).toHaveLength(1);
    for (const p of patterns) expect(lines[0]).toMatch(p);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.stdout).not.toMatch(/http:\/\//);
  };

  it('exits 2 for an analysis of a trajectory with another atom count, naming both files and both counts', () => {
    const json = write('other.json', analysisOf('runs/li-ec/dump.lammpstrj', 2210));
    // Refused after reading one frame: a server that started would keep it running until the timeout.
    const r = mdpost(['view', NAFSI_DUMP, '--analysis', json], { timeoutMs: 30_000 });
    expectUserError(r, /other\.json/, /runs\/li-ec\/dump\.lammpstrj/, /2210 atoms/, /nafsi-water\.lammpstrj\.gz has 1304 atoms/);
  });

  it.each([
    ['malformed JSON', () => write('broken.json', '{"input": {"atoms": 1304,'), /broken\.json: not valid JSON/],
    ['a missing file', () => join(dir, 'nowhere.json'), /nowhere\.json: cannot read it \(no such file\)/],
    ['JSON that is not an analysis', () => write('summary.json', '{"jobs": []}'), /summary\.json: not an mdpost analyze --json document/],
  ])('exits 2 for %s', (_, make, message) => {
    expectUserError(mdpost(['view', NAFSI_DUMP, '--analysis', make()], { timeoutMs: 30_000 }), message);
  });
});
