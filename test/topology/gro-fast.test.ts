import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { wasmGroAvailable } from '../../src/topology/gro-wasm.js';
import { parseGro, parseGroBytes, parseGroFast } from '../../src/topology/gro.js';
import type { TopologyData } from '../../src/topology/topology-data.js';
import { FIXTURES, HAVE_SHARED, REPO, SHARED, tempFile } from '../support/io.js';
import { uniform } from '../support/random.js';

/**
 * parseGroBytes reads a file's atom lines with a WebAssembly module (parseGroFast) and leaves
 * every file that module gives up on to parseGro, the specification. The fast path must give
 * exactly parseGro's TopologyData, or give up: never a different result, and never a result for
 * a file parseGro refuses (whose error message is then parseGro's). These tests run both on the
 * same bytes, and check that the fast path does read every file in GROMACS's own layout.
 */

if (!wasmGroAvailable()) throw new Error('gro-atoms.wasm is not built (npm run build makes it)');

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

/** Everything a TopologyData says, in a form toEqual compares (NaN masses included). */
function contents(t: TopologyData): unknown {
  return {
    ...t,
    resids: t.resids && Array.from(t.resids),
    masses: t.masses && Array.from(t.masses),
    ids: Array.from(t.ids!),
    positions: Array.from(t.positions),
    box: t.box && { matrix: Array.from(t.box.matrix), origin: Array.from(t.box.origin) },
  };
}

/** parseGro's result, or its error message. */
function plain(bytes: Uint8Array, file = 'f.gro'): unknown {
  try {
    return contents(parseGro(latin1(bytes), file));
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/**
 * parseGroBytes's result, or its error message; and whether the fast path read the file (it
 * throws parseGro's own error for a bad box line after atom lines it has read).
 */
function viaBytes(bytes: Uint8Array, file = 'f.gro'): { result: unknown; fast: boolean } {
  let fast = false;
  try {
    fast = parseGroFast(bytes, file) !== null;
  } catch {
    // The error is parseGroBytes's, below.
  }
  try {
    return { result: contents(parseGroBytes(bytes, file)), fast };
  } catch (e) {
    return { result: { error: (e as Error).message }, fast };
  }
}

/** Both paths agree on `text`; returns whether the fast path read it. */
function agree(text: string | Uint8Array, file = 'f.gro'): boolean {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const { result, fast } = viaBytes(bytes, file);
  const expected = plain(bytes, file);
  expect(result).toEqual(expected);
  if (fast) expect(expected).not.toHaveProperty('error');
  return fast;
}

/** A .gro atom line in GROMACS's layout: %5d%-5s%5s%5d then x y z as %{p+5}.{p}f, and what follows. */
function atom(resid: number, resname: string, name: string, n: number, xyz: number[], p = 3, extra = ''): string {
  return (
    String(resid % 100000).padStart(5) + resname.padEnd(5) + name.padStart(5) + String(n % 100000).padStart(5) +
    xyz.map((x) => x.toFixed(p).padStart(p + 5)).join('') + extra
  );
}

function gro(lines: string[], box = '   2.50000   2.50000   2.50000', eol = '\n', title = 'made by a test, t= 0.0'): string {
  return [title, String(lines.length).padStart(5), ...lines, box].join(eol) + eol;
}

/** Every .gro file (plain or gzip) under a folder. */
function groFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...groFiles(path));
    else if (/\.gro(\.gz)?$/.test(name)) out.push(path);
  }
  return out;
}

const read = (path: string) => (path.endsWith('.gz') ? gunzipSync(readFileSync(path)) : readFileSync(path));

describe('parseGroBytes gives parseGro’s TopologyData on files', () => {
  const files = [
    ...groFiles(FIXTURES),
    ...(HAVE_SHARED ? groFiles(SHARED) : []),
    ...[join(REPO, 'bench/data/water/traj.gro'), '/work/main/bench/data/water/traj.gro'].filter(existsSync).slice(0, 1),
  ];

  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)('%s', (path) => {
    const bytes = read(path);
    const fast = agree(bytes, path);
    // Every file GROMACS wrote (all of these) is read by the fast path.
    expect(fast).toBe(true);
  });
});

describe('the fast path on hand-made files', () => {
  it('names of every width, aligned either way, and residue names that differ only in their padding', () => {
    const lines: string[] = [];
    let n = 0;
    for (let w = 0; w <= 5; w++) {
      const name = 'NAOCH'.slice(0, w);
      lines.push(atom(1 + w, 'R'.repeat(w), name, ++n, [0.1, 0.2, 0.3]));
      // Right-aligned residue name, left-aligned atom name.
      lines.push(String(w).padStart(5) + 'R'.repeat(w).padStart(5) + name.padEnd(5) + atom(0, '', '', ++n, [1, 2, 3]).slice(15));
    }
    const text = gro(lines);
    expect(agree(text)).toBe(true);
    const top = parseGroBytes(Buffer.from(text, 'latin1'), 'w.gro');
    expect(top.names!.slice(0, 4)).toEqual(['', '', 'N', 'N']);
    expect(top.resnames!.slice(10, 12)).toEqual(['RRRRR', 'RRRRR']);
  });

  it('" LIG " and "LIG  " in columns 1–5 are one residue (trimmed names), so its atoms NA are nitrogen, not sodium', () => {
    const lines = [
      '    1 LIG    NA    1   0.100   0.100   0.100',
      '    1LIG     NA    2   0.200   0.100   0.100',
      '    2LIG     NA    3   0.300   0.100   0.100',
      '    3 LIG    NA    4   0.400   0.100   0.100',
    ];
    const text = gro(lines);
    expect(agree(text)).toBe(true);
    expect(parseGroBytes(Buffer.from(text, 'latin1'), 'n.gro').elements).toEqual(['N', 'N', 'Na', 'Na']);
  });

  it('residue numbers wrap at 100000: a residue is a run of one number and name, whatever the number', () => {
    const lines: string[] = [];
    for (let r = 99997; r < 100004; r++) for (const name of ['OW', 'HW1', 'HW2']) lines.push(atom(r, 'SOL', name, lines.length + 99990, [0.5, 0.5, 0.5]));
    lines.push(atom(100003, 'NA', 'NA', 0, [0, 0, 0]), atom(100003, 'LIG', 'NA', 1, [0, 0, 0]), atom(-5, 'LIG', 'NA', 2, [0, 0, 0]), atom(-5, 'LIG', 'NA', 3, [0, 0, 0]));
    const text = gro(lines);
    expect(agree(text)).toBe(true);
    const top = parseGroBytes(Buffer.from(text, 'latin1'), 'r.gro');
    expect(Array.from(top.resids!.slice(8, 10))).toEqual([99999, 0]);
    expect(Array.from(top.resids!.slice(-4))).toEqual([3, 3, -5, -5]);
    // The NA of NA 3 and LIG 3 are residues of one atom (sodium); those of LIG -5 one of two (nitrogen).
    expect(top.elements!.slice(-4)).toEqual(['Na', 'Na', 'N', 'N']);
  });

  it('"-0" is residue 0, and numbers with leading zeros or a minus sign anywhere before the digits', () => {
    const lines = ['   -0SOL     OW    1   0.100   0.100   0.100', '00000SOL    HW1    2   0.100   0.100   0.100', '-0001ION     NA    3  -0.100-999.999   9.000', '   -1ION     NA    4   0.100   0.100   0.100'];
    expect(agree(gro(lines))).toBe(true);
    expect(Array.from(parseGroBytes(Buffer.from(gro(lines), 'latin1'), 'z.gro').resids!)).toEqual([0, 0, -1, -1]);
  });

  it('every field width the first line gives, 6 to 14; wider ones are left to parseGro', () => {
    for (let p = 1; p <= 11; p++) {
      const lines = [atom(1, 'SOL', 'OW', 1, [1.5, -2.25, 3], p), atom(1, 'SOL', 'HW1', 2, [-9.5, 0, 99.125], p, '  0.1000 -0.2000  0.3000')];
      expect(agree(gro(lines))).toBe(p <= 9);
    }
  });

  it('Windows line ends, a last line without a line feed, velocities, several frames, 3- and 9-number boxes', () => {
    const lines = [atom(1, 'LI', 'LI', 1, [0.1, 0.2, 0.3], 3, '  0.1234 -0.5000  0.2500'), atom(2, 'TFS', 'S1', 2, [1, 1, 1], 3, '  0.1234 -0.5000  0.2500')];
    const nine = '   2.20166   2.20166   1.55681   0.00000   0.00000   0.00000   0.00000   1.10083   1.10083';
    for (const eol of ['\n', '\r\n']) {
      for (const box of ['   2.50000   2.50000   2.50000', nine, '0 0 0', '   1.0 1.0 1.0   ']) {
        const text = gro(lines, box, eol);
        expect(agree(text)).toBe(true);
        expect(agree(text.slice(0, -eol.length))).toBe(true);
        expect(agree(text + text)).toBe(true);
      }
    }
  });

  it('a box line of 2 numbers, or split over 2 lines, is parseGro’s error', () => {
    const lines = [atom(1, 'NA', 'NA', 1, [0.1, 0.2, 0.3])];
    for (const box of ['   2.50000   2.50000', '   2.50000   2.50000\n   2.50000', '', '\r', 'x y z', '1 1 1 1']) {
      expect(agree(gro(lines, box))).toBe(false);
      expect(viaBytes(Buffer.from(gro(lines, box), 'latin1')).result).toHaveProperty('error', expect.stringMatching(/^f\.gro, line 4: expected the box line after 1 atoms/));
    }
  });

  it('files that end early, or whose count is not one', () => {
    const lines = [atom(1, 'NA', 'NA', 1, [0.1, 0.2, 0.3]), atom(2, 'CL', 'CL', 2, [0.1, 0.2, 0.3])];
    const whole = gro(lines);
    for (let cut = 0; cut < whole.length; cut++) agree(whole.slice(0, cut));
    for (const count of ['    3', '    1', '    0', ' 2 x', '', '99999999999', '   -2']) {
      agree(whole.replace('    2\n', `${count}\n`));
    }
  });

  it('more kinds than the module holds (65 536) are left to parseGro; many kinds are interned exactly', () => {
    const name = (k: number) => k.toString(36).padStart(6, '0');
    const many = (n: number) => gro(Array.from({ length: n }, (_, k) => atom(k + 1, name(k).slice(0, 3), name(k).slice(3), k + 1, [0.1, 0.2, 0.3])));
    expect(agree(many(5000))).toBe(true);
    expect(agree(many(70000))).toBe(false);
  });

  it('characters beyond ASCII and blanks other than spaces in the name columns', () => {
    for (const c of ['\t', '\v', '\f', '\r', '\xa0', '\x85', '\xff', '\x00', 'é']) {
      const lines = [atom(1, 'SOL', 'OW', 1, [0.1, 0.2, 0.3]), atom(1, `S${c}L`, `H${c}1`, 2, [0.1, 0.2, 0.3]), atom(1, `SOL${c}`, `${c}HW2`, 3, [0.1, 0.2, 0.3])];
      agree(gro(lines));
      // Blanks that trim removes: "LIG" and "LIG" followed by one are one residue name.
      const one = [atom(1, 'LIG', 'NA', 1, [0.1, 0.2, 0.3]), atom(1, `LIG${c}`, 'NA', 2, [0.1, 0.2, 0.3]), atom(1, `${c}LIG`, 'NA', 3, [0.1, 0.2, 0.3])];
      agree(gro(one));
    }
  });
});

describe('random files, well formed and broken: the same result or the same error', () => {
  const u = uniform(20261127);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(u() * a.length)];
  const CHARS = ' -.0123456789xe+E\t\r\n\xa0\x00';

  /** A random file in GROMACS's layout: residues of 1–4 atoms, names of any width, p decimals. */
  function randomFile(natoms: number, p: number): string[] {
    const lines: string[] = [];
    let resid = Math.floor(u() * 100100) - 50;
    const resnames = ['SOL', 'NA', 'CL', 'FSI', 'PEO', 'A', 'LONGR', ''];
    const names = ['OW', 'HW1', 'HW2', 'NA', 'CL', 'S1', 'O12', 'C', 'MW', 'F', 'LONGN', ''];
    while (lines.length < natoms) {
      const rn = pick(resnames);
      const size = 1 + Math.floor(u() * 4);
      for (let k = 0; k < size && lines.length < natoms; k++) {
        const big = 10 ** Math.floor(u() * 4);
        const xyz = [0, 1, 2].map(() => Math.round((u() - 0.5) * 2 * big * 10 ** p) / 10 ** p);
        lines.push(atom(resid, rn, pick(names), lines.length + 1, xyz.map((x) => Math.max(Math.min(x, 9999), -999)), p, u() < 0.2 ? '  0.1000 -0.2000  0.3000' : ''));
      }
      resid += u() < 0.9 ? 1 : 0;
    }
    return lines;
  }

  it('well formed: the fast path reads them all, as parseGro does', () => {
    for (let t = 0; t < 60; t++) {
      const p = 1 + Math.floor(u() * 9);
      const lines = randomFile(1 + Math.floor(u() * 60), p);
      const text = gro(lines, pick(["1 1 1", "   2.50000   2.50000   2.50000"]), pick(["\n", "\r\n"]));
      expect(agree(text)).toBe(true);
    }
  });

  it('one character changed, inserted or removed: the same TopologyData, or the same error on the same line', () => {
    let fastRead = 0, errors = 0;
    for (let t = 0; t < 1500; t++) {
      const p = pick([3, 3, 3, 5, 1]);
      const text = gro(randomFile(1 + Math.floor(u() * 8), p));
      const at = Math.floor(u() * text.length);
      const c = pick([...CHARS]);
      const how = u();
      const broken = how < 0.6 ? text.slice(0, at) + c + text.slice(at + 1) : how < 0.8 ? text.slice(0, at) + c + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
      if (agree(broken)) fastRead++;
      if ((plain(Buffer.from(broken, 'latin1')) as { error?: string }).error) errors++;
    }
    // Both kinds of outcome are well represented.
    expect(fastRead).toBeGreaterThan(300);
    expect(errors).toBeGreaterThan(300);
  });

  it('a whole line replaced by random characters of the layout’s alphabet', () => {
    for (let t = 0; t < 1500; t++) {
      const lines = randomFile(3, 3);
      const k = Math.floor(u() * 3);
      lines[k] = Array.from({ length: 44 }, (_, j) => (j >= 5 && j < 15 ? pick(['A', ' ', '1']) : pick([...' -.0123456789']))).join('');
      agree(gro(lines));
    }
  });
});

describe('the command line with either reader', () => {
  // MDPOST_ROWS=js turns the WebAssembly reader off in a process: the same document either way.
  it('MDPOST_ROWS=js and MDPOST_ROWS=wasm write the same results from a .gro topology', () => {
    const sim = join(FIXTURES, 'sim/gromacs-nacl-water');
    const docs = (['js', 'wasm'] as const).map((rows) => {
      const out = tempFile(`gro-${rows}.json`, '');
      const args = ['analyze', join(sim, 'traj.xtc'), '--topology', join(sim, 'conf.gro.gz'), '--msd', 'Na', '--rdf', 'Na,O', '--workers', '1', '--json', out];
      const r = spawnSync(process.execPath, [join(REPO, 'bin/mdpost.js'), ...args], {
        encoding: 'utf8',
        env: { ...process.env, MDPOST_NO_PROGRESS: '1', MDPOST_ROWS: rows },
      });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    });
    expect(docs[1]).toEqual(docs[0]);
  });
});
