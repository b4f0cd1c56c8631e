import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { REPO } from '../support/io.js';

/** A running `mdpost view`, as a user starts it. */
export interface ViewProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** SIGINT (Ctrl-C); resolves with the exit code, or rejects if it does not exit in time. */
  interrupt(timeoutMs?: number): Promise<number | null>;
}

/** Start `mdpost view ARGS` and wait for the URL line it prints when it listens. */
export function startView(args: string[], timeoutMs = 120_000): Promise<ViewProcess> {
  const child = spawn(process.execPath, [join(REPO, 'bin/mdpost.js'), 'view', ...args], {
    cwd: REPO,
    env: { ...process.env, MDPOST_NO_PROGRESS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));

  const interrupt = async (ms = 15_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`mdpost view did not exit within ${ms} ms of SIGINT`)), ms);
    });
    try {
      return await Promise.race([exited, late]);
    } finally {
      clearTimeout(timer);
    }
  };

  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`mdpost view printed no URL within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const look = () => {
      const m = /^(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', look);
      ok({ url: m[1], child, output: () => out, interrupt });
    };
    child.stdout!.on('data', look);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`mdpost view exited (${code}) before printing its URL:\n${out}`));
    });
  });
}

/**
 * One request with the path sent exactly as given: fetch() and URL() would resolve "..", "%2e%2e"
 * and the like before the server saw them.
 */
export function rawRequest(base: string, method: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((ok, fail) => {
    const req = request({ host: hostname, port, method, path }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (s: string) => (body += s));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}
