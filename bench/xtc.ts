import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createXtcFrame, readXtcFrame, xtcAtomCount } from '../src/io/binary/xtc.js';
import { xdrCursor } from '../src/io/binary/xdr.js';
import { TrajectoryReader } from '../src/io/reader.js';
import { DATA_DIR } from './data.js';
import { MDPOST } from './paths.js';
import { fmt, median, table, timed, warm, type BenchRow, type Timed } from './util.js';
import { ensureXtcSystem, type XtcSystem } from './xtc-data.js';

/**
 * bench/xtc: a GROMACS XTC of ~40 000 atoms (1 M NaCl in water, 501 frames, made by gmx:
 * xtc-data.ts) — decoding speed per thread (frames/s, MB/s; in memory and through the reader,
 * against `gmx check` reading the same file), and the Na–O g(r) and the Na MSD from it against
 * `gmx rdf` and `gmx msd` on the same file, whole processes, in alternating runs (median).
 */
export async function benchXtc(): Promise<BenchRow[]> {
  if (spawnSync('gmx', ['-version'], { encoding: 'utf8' }).status !== 0) {
    console.warn('GROMACS not found (apt-get install gromacs): bench/xtc needs it to make its input and as the peer');
    return [];
  }
  const sys = ensureXtcSystem();
  const mb = statSync(sys.xtc).size / 1e6;
  warm(sys.xtc);
  const decode = await decodingRows(sys, mb);
  const analyses = analysisRows(sys);
  console.log(`\n## bench/xtc — ${fmt(mb, 0)} MB GROMACS XTC (${sys.natoms} atoms, ${decode.frames} frames, precision 1000)\n`);
  console.log('Decoding, one thread:\n');
  console.log(table(decode.rows));
  console.log(`\nAnalyses, whole processes (median of ${PAIRS} alternating runs; ratio = median of the per-pair ratios):\n`);
  console.log(table(analyses));
  return [...decode.rows, ...analyses];
}

/** Runs of mdpost and the GROMACS tool, alternating. */
const PAIRS = 5;

async function decodingRows(sys: XtcSystem, mb: number): Promise<{ frames: number; rows: BenchRow[] }> {
  const bytes = readFileSync(sys.xtc);
  const codecRuns: Sample[] = [];
  const readerRuns: Sample[] = [];
  for (let k = 0; k < 5; k++) {
    codecRuns.push(decodeInMemory(bytes));
    readerRuns.push(await readThrough(sys.xtc));
  }
  const c = median(codecRuns, (r) => r.seconds);
  const rd = median(readerRuns, (r) => r.seconds);
  const check = median(
    Array.from({ length: 3 }, () => timed('gmx', ['-quiet', '-nocopyright', 'check', '-f', sys.xtc])),
    (t) => t.seconds,
  );
  const row = (tool: string, seconds: number, frames: number): BenchRow => ({
    tool,
    s: fmt(seconds, 3),
    'frames/s': fmt(frames / seconds, 0),
    'MB/s': fmt(mb / seconds, 0),
    'atoms/µs': fmt((frames * sys.natoms) / seconds / 1e6, 1),
  });
  return {
    frames: c.frames,
    rows: [
      row('mdpost XTC codec (file in memory)', c.seconds, c.frames),
      row('mdpost reader (file → frames in Å)', rd.seconds, rd.frames),
      { ...row('gmx check -f (whole process)', check.seconds, c.frames), note: `mdpost's reader ${fmt(check.seconds / rd.seconds, 1)}× faster` },
    ],
  };
}

interface Sample {
  seconds: number;
  frames: number;
}

/** Every frame decoded by the codec from bytes in memory. */
function decodeInMemory(bytes: Uint8Array): Sample {
  const t0 = performance.now();
  const c = xdrCursor(bytes);
  const frame = createXtcFrame(xtcAtomCount(c));
  let frames = 0;
  while (c.pos < c.end) {
    readXtcFrame(c, frame);
    frames++;
  }
  return { seconds: (performance.now() - t0) / 1000, frames };
}

/** Every frame through the reader, from the file (the format module, buffers and all). */
async function readThrough(path: string): Promise<Sample> {
  const t0 = performance.now();
  const reader = await TrajectoryReader.open(path);
  let frames = 0;
  for await (const f of reader.frames()) if (f.natoms > 0) frames++;
  return { seconds: (performance.now() - t0) / 1000, frames };
}

function analysisRows(sys: XtcSystem): BenchRow[] {
  const dir = join(DATA_DIR, 'xtc', 'run');
  mkdirSync(dir, { recursive: true });
  const env = { ...process.env, MDPOST_NO_PROGRESS: '1', GMX_MAXBACKUP: '-1' };
  const na = `index ${sys.sodium[0]}:${sys.sodium[1]}`;
  const ow = `index ${sys.water[0]}:${sys.water[1]}`;
  const mdpost = (workers: number, args: string[]) => () => timed(process.execPath, [MDPOST, 'analyze', sys.xtc, ...args, '--workers', String(workers), '--json', '-'], { env });
  const gmx = (args: string[]) => () => timed('gmx', ['-quiet', '-nocopyright', ...args], { cwd: dir, env });
  const rdfArgs = ['--rdf', `${na},${ow}`, '--rmax', '10', '--bins', '500'];
  const gmxRdf = gmx(['rdf', '-f', sys.xtc, '-s', sys.gro, '-ref', 'name NA', '-sel', 'name OW', '-bin', '0.002', '-rmax', '1.0', '-o', 'rdf.xvg', '-cn', 'cn.xvg']);
  const msdArgs = ['--msd', na];
  const gmxMsd = gmx(['msd', '-f', sys.xtc, '-s', sys.gro, '-sel', 'name NA', '-trestart', '1', '-o', 'msd.xvg']);

  const rows: BenchRow[] = [];
  for (const [what, ours, theirs, target, agree] of [
    ['Na–O g(r) + CN, 0.02 Å bins to 10 Å', rdfArgs, gmxRdf, 5, (stdout: string) => rdfAgreement(dir, stdout)],
    ['Na MSD, every frame an origin', msdArgs, gmxMsd, 3, (stdout: string) => msdAgreement(dir, stdout)],
  ] as const) {
    const pairs: { ours: Timed; ours2: Timed; theirs: Timed }[] = [];
    for (let k = 0; k < PAIRS; k++) pairs.push({ ours: mdpost(1, [...ours])(), theirs: theirs(), ours2: mdpost(2, [...ours])() });
    const ratio = median(pairs.map((p) => p.theirs.seconds / p.ours.seconds), (x) => x);
    const ratio2 = median(pairs.map((p) => p.theirs.seconds / p.ours2.seconds), (x) => x);
    const t = (key: 'ours' | 'ours2' | 'theirs') => median(pairs.map((p) => p[key]), (x) => x.seconds);
    const agreement = agree(t('ours').stdout);
    rows.push({ analysis: what, tool: `gmx ${what.startsWith('Na–O') ? 'rdf' : 'msd'}`, s: fmt(t('theirs').seconds), 'peak RSS MB': mbOf(t('theirs')) });
    rows.push({ analysis: what, tool: 'mdpost, 1 worker', s: fmt(t('ours').seconds), 'peak RSS MB': mbOf(t('ours')), 'faster than gmx': `${fmt(ratio, 1)}× (runs: ${pairs.map((p) => fmt(p.theirs.seconds / p.ours.seconds, 1)).join(', ')}; target ≥ ${target}×)`, agreement });
    rows.push({ analysis: what, tool: 'mdpost, 2 workers', s: fmt(t('ours2').seconds), 'peak RSS MB': mbOf(t('ours2')), 'faster than gmx': `${fmt(ratio2, 1)}×` });
  }
  return rows;
}

function mbOf(t: Timed): string {
  return t.peakMB === null ? '' : fmt(t.peakMB, 0);
}

/** Numeric rows of an xvg file. */
function xvg(path: string): number[][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^[#@]/.test(l))
    .map((l) => l.trim().split(/\s+/).map(Number));
}

/**
 * gmx rdf -cn row i is the mean number of OW within (i + 1)·0.02 Å of a Na, our running CN at the
 * outer edge of bin i (same edges); its first peak is on bins centred on i·0.02 Å, ours on
 * (i + ½)·0.02 Å.
 */
function rdfAgreement(dir: string, stdout: string): string {
  const ours = JSON.parse(stdout).rdf[0];
  const cn = xvg(join(dir, 'cn.xvg'));
  const g = xvg(join(dir, 'rdf.xvg'));
  let worst = 0;
  for (let i = 0; i < Math.min(cn.length, ours.cn.length); i++) worst = Math.max(worst, Math.abs(ours.cn[i] - cn[i][1]));
  const peak = g.reduce((a, b) => (b[1] > a[1] ? b : a));
  return `CN max |Δ| ${worst.toExponential(1)} (gmx prints 3 decimals); first peak ${fmt(10 * peak[0], 2)} Å (gmx) / ${fmt(ours.first_peak.r_A, 2)} Å`;
}

/** gmx msd's MSD (nm², 6 digits) against ours (Å²) at every lag both have. */
function msdAgreement(dir: string, stdout: string): string {
  const ours = JSON.parse(stdout).msd[0];
  const theirs = xvg(join(dir, 'msd.xvg'));
  let worst = 0;
  for (const [tau, msdNm2] of theirs) {
    const k = ours.lag_ps.indexOf(tau);
    if (k > 0) worst = Math.max(worst, Math.abs(ours.msd_A2[k] / (100 * msdNm2) - 1));
  }
  return `MSD max relative |Δ| ${worst.toExponential(1)} over ${theirs.length} lags (gmx prints 6 digits)`;
}
