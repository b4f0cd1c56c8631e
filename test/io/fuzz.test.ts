import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/model/errors.js';
import { summarizeTrajectory } from '../../src/io/summary.js';
import { analyzeFile } from '../../src/run/analyze-file.js';
import { specOf } from '../support/analyze.js';
import { mdpost } from '../support/cli.js';
import { tempFile } from '../support/io.js';
import { uniform } from '../support/random.js';

/**
 * Malformed inputs of every reader — truncated at every line and inside lines, counts damaged to
 * huge, negative and non-numbers, NaN and Inf, binary garbage, corrupt gzip, CRLF, wrong column
 * counts — through `info` and `analyze` with 1 and 2 workers. Each must end as a result (with
 * warnings, for a cut-off last frame) or as an InputError whose one-line message names the file;
 * never an internal error, a hang, or an allocation from an unchecked count.
 */
const u = uniform(2024);
const f4 = (x: number) => x.toFixed(4);

function xyzText(frames = 4, atoms = 6): string {
  let t = '';
  for (let k = 0; k < frames; k++) {
    t += `${atoms}\nframe ${k}\n`;
    for (let i = 0; i < atoms; i++) t += `${i % 3 === 0 ? 'Na' : 'O'} ${f4(10 * u())} ${f4(10 * u())} ${f4(10 * u())}\n`;
  }
  return t;
}

function extxyzText(frames = 4, atoms = 6): string {
  return xyzText(frames, atoms).replace(/frame \d+/g, (m) => `Lattice="10 0 0 0 10 0 0 0 10" Properties=species:S:1:pos:R:3 Time=${Number(m.slice(6)) * 500}`);
}

function dumpText(frames = 4, atoms = 6): string {
  let t = '';
  for (let k = 0; k < frames; k++) {
    t += `ITEM: TIMESTEP\n${k * 100}\nITEM: NUMBER OF ATOMS\n${atoms}\nITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\nITEM: ATOMS id type x y z ix iy iz\n`;
    for (let i = 0; i < atoms; i++) t += `${i + 1} ${1 + (i % 2)} ${f4(10 * u())} ${f4(10 * u())} ${f4(10 * u())} 0 0 0\n`;
  }
  return t;
}

function xdatcarText(frames = 4): string {
  let t = 'NaO test\n1.0\n 10 0 0\n 0 10 0\n 0 0 10\nNa O\n2 4\n';
  for (let k = 0; k < frames; k++) {
    t += `Direct configuration= ${k + 1}\n`;
    for (let i = 0; i < 6; i++) t += ` ${f4(u())} ${f4(u())} ${f4(u())}\n`;
  }
  return t;
}

interface Case {
  name: string;
  content: string | Buffer;
  options: Record<string, unknown>;
}

const BASES: { name: string; text: string; ext: string; options: Record<string, unknown> }[] = [
  { name: 'xyz', text: xyzText(), ext: 'xyz', options: { box: '10 10 10', dt: '1', msd: ['Na'], rdf: ['Na,O'], rmax: '4' } },
  { name: 'extxyz', text: extxyzText(), ext: 'extxyz', options: { msd: ['Na'], rdf: ['Na,O'], rmax: '4' } },
  { name: 'dump', text: dumpText(), ext: 'lammpstrj', options: { timestep: '1fs', msd: ['type 1'], rdf: ['type 1,type 2'], rmax: '4' } },
  { name: 'xdatcar', text: xdatcarText(), ext: 'XDATCAR', options: { dt: '1fs', msd: ['Na'], rdf: ['Na,O'], rmax: '4' } },
];

function cases(): Case[] {
  const out: Case[] = [];
  for (const b of BASES) {
    const lines = b.text.split('\n');
    // Truncated after every line and inside every line of the first two frames.
    const limit = Math.min(lines.length - 1, Math.ceil(lines.length / 2));
    for (let l = 1; l <= limit; l++) {
      const head = lines.slice(0, l).join('\n');
      out.push({ name: `${b.name} cut after line ${l}`, content: head + '\n', options: b.options });
      if (lines[l]?.length > 2) out.push({ name: `${b.name} cut inside line ${l + 1}`, content: head + '\n' + lines[l].slice(0, Math.floor(lines[l].length / 2)), options: b.options });
    }
    // Every number token of one atom line (and the count) damaged in turn.
    const atomLine = lines.findIndex((l, k) => k > 2 && /\d\.\d{4}/.test(l));
    for (const bad of ['1e309', 'nan', 'inf', '-inf', '1.2.3', '', '0x10', '1e99999']) {
      const copy = [...lines];
      copy[atomLine] = copy[atomLine].replace(/-?\d+\.\d{4}/, bad);
      out.push({ name: `${b.name} coordinate ${JSON.stringify(bad)}`, content: copy.join('\n'), options: b.options });
    }
    const countLine = b.name === 'dump' ? 3 : b.name === 'xdatcar' ? 6 : 0;
    for (const count of ['1000000000000', '999999999', '-5', '2.5', 'abc', '7']) {
      const copy = [...lines];
      copy[countLine] = b.name === 'xdatcar' ? `2 ${count}` : count;
      out.push({ name: `${b.name} count ${count}`, content: copy.join('\n'), options: b.options });
    }
    out.push({ name: `${b.name} with CRLF`, content: b.text.replace(/\n/g, '\r\n'), options: b.options });
    out.push({ name: `${b.name} with a column missing`, content: lines.map((l, k) => (k === atomLine ? l.replace(/\s+\S+$/, '') : l)).join('\n'), options: b.options });
    out.push({ name: `${b.name} with an extra column`, content: lines.map((l, k) => (k === atomLine ? `${l} 7` : l)).join('\n'), options: b.options });
    out.push({ name: `${b.name} with a NUL byte`, content: b.text.slice(0, 40) + '\0' + b.text.slice(41), options: b.options });
    const gz = gzipSync(Buffer.from(b.text));
    out.push({ name: `${b.name} gzip cut short`, content: gz.subarray(0, Math.floor(gz.length / 2)), options: b.options });
    const flipped = Buffer.from(gz);
    for (let k = 20; k < flipped.length - 10; k += 17) flipped[k] ^= 0x5a;
    out.push({ name: `${b.name} gzip with damaged bytes`, content: flipped, options: b.options });
  }
  const garbage = Buffer.alloc(5000);
  for (let k = 0; k < garbage.length; k++) garbage[k] = Math.floor(256 * u());
  out.push({ name: 'binary garbage', content: garbage, options: BASES[0].options });
  out.push({ name: 'text garbage', content: 'hello\nthis is not\na trajectory 1 2 3\n'.repeat(50), options: BASES[0].options });
  out.push({ name: 'empty', content: '', options: BASES[0].options });
  return out;
}

/** The call ends, as a result or an InputError naming the file in one line, within 20 s. */
async function endsWell(file: string, call: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('hung for 20 s')), 20_000)));
  try {
    await Promise.race([call(), timeout]);
    return 'ok';
  } catch (e) {
    if (!(e instanceof InputError)) throw new Error(`${file}: not an InputError: ${(e as Error)?.stack ?? e}`);
    expect(e.message.includes('\n'), e.message).toBe(false);
    expect(e.message, 'names the file').toMatch(/\S/);
    if (!/^(give either|nothing to compute|selection|--)/.test(e.message)) expect(e.message.startsWith(file), e.message).toBe(true);
    return 'error';
  } finally {
    clearTimeout(timer);
  }
}

describe('malformed input ends in a result or a one-line error naming the file, never a crash or a hang', () => {
  const all = cases();
  const fine = { minParallelBytes: 0, sliceBytes: 1, stealBytes: 1, batchBytes: 64 };

  it(`has a corpus of ${all.length} malformed files`, () => {
    expect(all.length).toBeGreaterThan(150);
  });

  it.each(all.map((c, k) => [c.name, k] as const))('%s: info, and analyze with 1 and 2 workers', async (_name, k) => {
    const c = all[k];
    const file = tempFile(`fuzz-${k}.${BASES.find((b) => c.name.startsWith(b.name))?.ext ?? 'txt'}`, c.content);
    await endsWell(file, () => summarizeTrajectory(file, {}));
    const one = await endsWell(file, () => analyzeFile(specOf(file, c.options), { workers: 1 }));
    const two = await endsWell(file, () => analyzeFile(specOf(file, c.options), { workers: 2, ...fine }));
    expect(two, 'the same outcome with 2 workers').toBe(one);
  });

  it('the command line: exit 0 or 2, one error line, no stack trace (a sample of every kind)', () => {
    const sample = all.filter((_, k) => k % 9 === 0);
    for (const c of sample) {
      const file = tempFile(`fuzz-cli-${sample.indexOf(c)}.txt`, c.content);
      const args = Object.entries(c.options).flatMap(([key, v]) => (Array.isArray(v) ? v.flatMap((x) => [`--${key}`, String(x)]) : [`--${key}`, String(v)]));
      for (const cmd of [['info', file], ['analyze', file, ...args, '--workers', '2']]) {
        const r = mdpost(cmd, { timeoutMs: 30_000 });
        expect([0, 2], `${c.name}: ${cmd[0]} exit ${r.code}\n${r.stderr}`).toContain(r.code);
        expect(r.stderr, c.name).not.toMatch(/internal error|\n\s+at /);
        expect((r.stderr.match(/mdpost: error:/g) ?? []).length, c.name).toBeLessThanOrEqual(1);
      }
    }
  });
});
