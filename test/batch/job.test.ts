import { utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entryFingerprint, expandJob, parseShard, readJobFile, shardOf } from '../../src/batch/job.js';
import { tempFile } from '../support/io.js';

function folder(): string {
  const dir = join(tempFile('.anchor', ''), '..', `job-${Math.random().toString(36).slice(2)}`);
  for (const t of [300, 350, 400]) {
    mkdirSync(join(dir, `runs/T${t}`), { recursive: true });
    writeFileSync(join(dir, `runs/T${t}/dump.lammpstrj`), 'ITEM: TIMESTEP\n0\n');
  }
  writeFileSync(join(dir, 'big.lammpstrj'), 'ITEM: TIMESTEP\n0\n');
  return dir;
}

describe('job files', () => {
  it('expand globs in order, merge defaults with per-run options, and split a file into parts; folders named for labels, else paths', async () => {
    const dir = folder();
    const job = {
      defaults: { msd: ['Na'], rdf: ['Na,O'], timestep: '1fs' },
      runs: [
        { files: 'runs/T*/dump.lammpstrj', temperature: 300 },
        { file: 'big.lammpstrj', label: 'big', msd: ['Li'], parts: 3 },
      ],
    };
    writeFileSync(join(dir, 'job.json'), JSON.stringify(job));
    const { job: read, baseDir } = await readJobFile(join(dir, 'job.json'));
    const entries = await expandJob(read, baseDir);
    expect(entries.map((e) => e.id)).toEqual([
      'runs_T300_dump.lammpstrj',
      'runs_T350_dump.lammpstrj',
      'runs_T400_dump.lammpstrj',
      'big.part-1-of-3',
      'big.part-2-of-3',
      'big.part-3-of-3',
    ]);
    expect(entries[0].spec).toMatchObject({ analyses: { msd: { selections: ['Na'] }, rdf: { pairs: [['Na', 'O']] } }, read: { timestepPs: 0.001 } });
    expect(entries[0].label).toBe('runs/T300/dump.lammpstrj');
    expect(entries[3]).toMatchObject({ label: 'big', part: { k: 0, n: 3 } });
    expect((entries[3].spec.analyses.msd as { selections: string[] }).selections).toEqual(['Li']);
    expect(entries.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it.each([
    [{}, /needs "runs"/],
    [{ runs: [{ label: 'x' }] }, /exactly one of "file" or "files"/],
    [{ runs: [{ file: 'a', colour: 'red' }] }, /unknown key "colour"/],
    [{ runs: [{ file: 'a', temperature: -3 }] }, /"temperature" must be a positive number/],
    [{ runs: [{ file: 'a', msd: 'Na' }] }, /"msd" must be a list of strings/],
  ])('rejects %j', async (job, message) => {
    const path = tempFile(`bad-${Math.random()}.json`, JSON.stringify(job));
    await expect(readJobFile(path)).rejects.toThrow(message);
  });

  it('says when a glob matches nothing', async () => {
    const dir = folder();
    await expect(expandJob({ runs: [{ files: 'nowhere/*.xyz', msd: ['Na'] }] }, dir)).rejects.toThrow(/"nowhere\/\*\.xyz" matches no file/);
  });
});

describe('shards', () => {
  it('are disjoint and together hold every entry', () => {
    const entries = Array.from({ length: 10 }, (_, index) => ({ index }));
    const parts = [1, 2, 3].map((i) => shardOf(entries, { i, n: 3 }).map((e) => e.index));
    expect(parts).toEqual([[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]);
    expect(shardOf(entries, null)).toHaveLength(10);
  });

  it('parse I/N', () => {
    expect(parseShard('2/3')).toEqual({ i: 2, n: 3 });
    expect(() => parseShard('4/3')).toThrow(/1 ≤ I ≤ N/);
    expect(() => parseShard('two')).toThrow(/I\/N/);
  });
});

describe('up-to-date results', () => {
  it('are keyed by the file’s size and modification time, the options and the version', async () => {
    const dir = folder();
    const [e] = await expandJob({ runs: [{ file: 'big.lammpstrj', msd: ['Na'] }] }, dir);
    const a = await entryFingerprint(e, '1');
    expect(await entryFingerprint(e, '1')).toBe(a);
    expect(await entryFingerprint(e, '2')).not.toBe(a);
    expect(await entryFingerprint({ ...e, spec: { ...e.spec, analyses: { ...e.spec.analyses, msd: { selections: ['Li'], fit: 'auto' } } } }, '1')).not.toBe(a);
    utimesSync(e.file, new Date(), new Date(Date.now() + 5000));
    expect(await entryFingerprint(e, '1')).not.toBe(a);
  });
});
