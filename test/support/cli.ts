import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './io.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the built `mdpost` (npm test builds it first) as a user would. */
export function mdpost(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [join(REPO, 'bin/mdpost.js'), ...args], {
    cwd: options.cwd ?? REPO,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    env: { ...process.env, MDPOST_NO_PROGRESS: '1' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
