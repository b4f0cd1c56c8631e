import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boxFromVectors } from '../../src/model/box.js';
import type { RawOptions } from '../../src/pipeline/options.js';
import { analyzeFile, type RunOptions } from '../../src/run/analyze-file.js';
import { analyzeOf, specOf } from '../support/analyze.js';
import { HAVE_SHARED, REPO, shared, tempFile } from '../support/io.js';
import { assemble, FSI } from '../support/molecules.js';
import { NAFSI_DUMP, NAFSI_XYZ } from '../support/nafsi.js';
import { gaussian } from '../support/random.js';
import { expectSame, expectSameForWorkers as expectSameForAll, fine as fineCuts, resultJson } from '../support/workers.js';
import { writeExtxyz, type SyntheticFrame } from '../support/write.js';

const fine = (workers: number): RunOptions => fineCuts(workers, 200_000);
const expectSameForWorkers = (file: string, options: RawOptions) => expectSameForAll(file, options, 200_000);

describe('results do not depend on the number of workers', () => {
  it('shipped LAMMPS dump, gzip-compressed: one thread decompresses, workers parse batches', async () => {
    await expectSameForWorkers(NAFSI_DUMP, { msd: ['Na', 'FSI'], rdf: ['Na,O'], removeDrift: true });
  });

  it('the same dump uncompressed: workers read their own byte ranges', async () => {
    const plain = tempFile('nafsi.lammpstrj', execFileSync('gunzip', ['-c', NAFSI_DUMP], { maxBuffer: 1 << 30 }));
    await expectSameForWorkers(plain, { msd: ['Na', 'FSI'], rdf: ['Na,O', 'O,O'], stride: 3, begin: '20' });
  });

  it('plain XYZ without image flags (unwrapped by jumps; slices found by counting lines)', async () => {
    const plain = tempFile('nafsi.xyz', execFileSync('gunzip', ['-c', NAFSI_XYZ], { maxBuffer: 1 << 30 }));
    await expectSameForWorkers(plain, { box: '23.795186 23.795186 23.795186', dt: '0.5', msd: ['Na', 'FSI'], rdf: ['Na,O'] });
  });

  it.skipIf(!HAVE_SHARED)('VASP XDATCAR (the header is carried to every slice)', async () => {
    await expectSameForWorkers(shared('argyrodite.XDATCAR'), { dt: '0.1', msd: ['Li'], rdf: ['Li,S'] });
  });

  it('slice boundaries inside jumps across the cell: molecules and ions keep moving straight', async () => {
    // Fast ions in a small triclinic cell cross a face every few frames; with slices of a few
    // frames, some boundary falls between a crossing's two frames.
    const box = boxFromVectors([10, 0, 0, 1.5, 9.5, 0, -1, 0.5, 9]);
    const { elements, positions } = assemble([
      { atoms: FSI, at: [2, 2, 2] },
      { atoms: [['Na', 0, 0, 0]], at: [6, 6, 6] },
      { atoms: [['Na', 0, 0, 0]], at: [1, 7, 4] },
    ]);
    const g = gaussian(9);
    const frames: SyntheticFrame[] = [];
    const p = positions.slice();
    for (let k = 0; k < 300; k++) {
      frames.push({ box, positions: p.slice() });
      for (let i = 0; i < 9; i++) for (let d = 0; d < 3; d++) p[3 * i + d] += [1.1, -0.9, 0.7][d];
      // Steps well under half the cell (σ = 0.8 Å in a 9–10 Å cell), as minimum-image unwrapping needs.
      for (let i = 9; i < 11; i++) for (let d = 0; d < 3; d++) p[3 * i + d] += 0.8 * g();
    }
    const file = writeExtxyz('jumps.extxyz', elements, frames);
    const options = { dt: '0.1', msd: ['FSI', 'Na'] };
    const one = await analyzeOf(file, options, { workers: 1 });
    const three = await analyzeOf(file, options, { ...fine(3), sliceBytes: 20_000 });
    const v2 = 1.1 ** 2 + 0.9 ** 2 + 0.7 ** 2;
    for (const m of [1, 100, 299]) expect(three.msd[0].curve.msdA2[m] / (v2 * m * m)).toBeCloseTo(1, 6);
    // Jumps are summed frame by frame in a different order in each slice: displacements of
    // hundreds of Å then agree to ~1e-13 Å, and the MSD at short lags to ~1e-11 relative.
    one.msd.forEach((m, s) => m.curve.msdA2.forEach((v, i) => expect(Math.abs(three.msd[s].curve.msdA2[i] - v)).toBeLessThanOrEqual(1e-9 * Math.max(1, v))));
    expect(three.msd[1].diffusion.dA2PerPs / one.msd[1].diffusion.dA2PerPs).toBeCloseTo(1, 12);
  });
});

describe('errors in a worker are the serial reader\'s errors', () => {
  const plainLines = () => execFileSync('gunzip', ['-c', NAFSI_DUMP], { maxBuffer: 1 << 30 }).toString('latin1').split('\n');

  it('a bad number in the middle of an uncompressed dump: same file, line, frame and message with 1 and 3 workers', async () => {
    const lines = plainLines();
    const bad = 200 * 1313 + 500; // an atom line of frame 200 (1313 lines per frame)
    lines[bad] = lines[bad].replace(/ (-?\d+\.\d+) /, ' 1.2.3 ');
    const file = tempFile('bad-middle.lammpstrj', lines.join('\n'));
    const spec = specOf(file, { msd: ['Na'], rdf: ['Na,O'] });
    const serial = await analyzeFile(spec, { workers: 1 }).catch((e: Error) => e);
    const parallel = await analyzeFile(spec, fine(3)).catch((e: Error) => e);
    expect(serial).toBeInstanceOf(Error);
    expect((serial as Error).message).toMatch(new RegExp(`line ${bad + 1}, frame 200: expected [xyz] \\(column \\d+\\) \\(a number\\), not "1\\.2\\.3"`));
    expect((parallel as Error).message).toBe((serial as Error).message);
  });

  it('the same in a gzip file', async () => {
    const lines = plainLines();
    // frame 0 has two more lines (ITEM: UNITS) than the others: this is the end of frame 119, an
    // O atom's line (the rows of atoms no analysis reads are stepped over, not checked)
    const bad = 120 * 1313 + 38;
    expect(lines[bad]).toMatch(/^\d+ \d+ \d+ O /);
    lines[bad] = lines[bad].replace(/ (-?\d+\.\d+) /, ' 4.5e ');
    const file = tempFile('bad-middle.lammpstrj.gz', lines.join('\n'));
    const spec = specOf(file, { rdf: ['Na,O'] });
    const serial = (await analyzeFile(spec, { workers: 1 }).catch((e: Error) => e)) as Error;
    const parallel = (await analyzeFile(spec, fine(3)).catch((e: Error) => e)) as Error;
    expect(serial.message).toMatch(new RegExp(`line ${bad + 1}, frame 119: expected [xyz] \\(column \\d+\\) \\(a number\\), not "4\\.5e"`));
    expect(parallel.message).toBe(serial.message);
  });

  it('a truncated last frame is a warning with either', async () => {
    const text = readFileSync(tempFile('whole.lammpstrj', execFileSync('gunzip', ['-c', NAFSI_DUMP], { maxBuffer: 1 << 30 })), 'latin1');
    const file = tempFile('cut.lammpstrj', text.slice(0, text.length - 20_000));
    const spec = specOf(file, { rdf: ['Na,O'] });
    const a = await analyzeFile(spec, { workers: 1 });
    const b = await analyzeFile(spec, fine(3));
    expect(a.framesUsed).toBe(400);
    expect(b.framesUsed).toBe(400);
    expect(b.warnings).toEqual(a.warnings);
    expect(a.warnings[0]).toMatch(/the last frame \(frame 400, from line \d+\) is incomplete/);
  });
});

describe('Ctrl-C', () => {
  it('stops the workers and the run promptly (exit code 130)', async () => {
    const { spawn } = await import('node:child_process');
    const { join } = await import('node:path');
    const { REPO } = await import('../support/io.js');
    // 48 MB of XYZ: long enough to still be running when interrupted.
    const parts: string[] = [];
    for (let k = 0; k < 1500; k++) {
      let t = `1000\nframe ${k}\n`;
      for (let i = 0; i < 1000; i++) t += `O ${((i * 7.31 + k * 0.013) % 30).toFixed(5)} ${((i * 3.17) % 30).toFixed(5)} ${((i * 1.93 + k * 0.01) % 30).toFixed(5)}\n`;
      parts.push(t);
    }
    const file = tempFile('long.xyz', parts.join(''));
    const child = spawn(process.execPath, [join(REPO, 'bin/mdpost.js'), 'analyze', file, '--box', '30 30 30', '--rdf', 'O,O', '--workers', '2'], { stdio: 'ignore', env: { ...process.env, MDPOST_NO_PROGRESS: '1' } });
    await new Promise((r) => setTimeout(r, 1200));
    const t0 = Date.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});

describe('gzip batches of single frames', () => {
  it('a batch size below one frame cuts one frame per batch, in bounded memory, and still says how frames were unwrapped', async () => {
    const options = { msd: ['Na'], rdf: ['Na,O'] };
    const one = await resultJson(NAFSI_DUMP, options, { workers: 1 });
    const tiny = await resultJson(NAFSI_DUMP, options, { workers: 2, minParallelBytes: 0, batchBytes: 1000 });
    expectSame(one, tiny, '2 workers, 1000-byte batches');
    expect((tiny.input as { unwrapping: string[] }).unwrapping).toEqual(['image flags']);
  });
});

describe('worker threads keep their optimised code', () => {
  it('no worker detaches an ArrayBuffer (a detach throws away every optimised typed-array function of its thread)', () => {
    // V8 compiles typed-array reads on the promise that no buffer in the thread was ever
    // detached; the first transfer out of a thread breaks it, and every hot function of that
    // thread is compiled again. --trace-protector-invalidation names the promise when it breaks.
    const plain = tempFile('nafsi-protector.lammpstrj', execFileSync('gunzip', ['-c', NAFSI_DUMP], { maxBuffer: 1 << 30 }));
    const r = spawnSync(process.execPath, ['--trace-protector-invalidation', join(REPO, 'bin/mdpost.js'), 'analyze', plain, '--msd', 'Na', '--rdf', 'Na,O', '--workers', '2', '--json', tempFile('protector.json', '')], {
      encoding: 'utf8',
      env: { ...process.env, MDPOST_NO_PROGRESS: '1', MDPOST_MIN_PARALLEL_BYTES: '1', MDPOST_TRACE: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    // The run did use a worker thread (its trace lines say so), and no thread broke the promise.
    expect(r.stderr).toMatch(/thread 1\] slice/);
    expect(r.stdout + r.stderr).not.toContain('ArrayBufferDetaching');
    // The same flag does report a transfer out of a thread, so its silence above means something.
    const control = spawnSync(process.execPath, ['--trace-protector-invalidation', '-e', 'structuredClone(new ArrayBuffer(8), { transfer: [] }); const b = new ArrayBuffer(8); structuredClone(b, { transfer: [b] });'], { encoding: 'utf8' });
    expect(control.stdout + control.stderr).toContain('ArrayBufferDetaching');
  });
});
