import { describe, expect, it } from 'vitest';
import { NEED_MORE, Scanner, TRUNCATED } from '../../src/io/scanner.js';
import { ParseError } from '../../src/model/errors.js';

function scannerOver(text: string, eof = true): Scanner {
  const bytes = Buffer.from(text, 'latin1');
  const buf = Buffer.alloc(bytes.length + 1);
  bytes.copy(buf);
  const s = new Scanner('test.txt');
  s.reset(buf, bytes.length, eof);
  return s;
}

/** A deterministic stream of pseudo-random numbers (xorshift), so failures are reproducible. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

describe('Scanner.float reads numbers exactly as Number() does', () => {
  it('agrees bit for bit on typical trajectory numbers and on awkward ones', () => {
    const cases = [
      '0', '-0', '1', '-1', '+1', '0.0625', '37.1673', '-12.5', '5.', '.5', '-.5', '1e5', '1E5', '1e+05', '1.5e-05',
      '-3.0000000000000000e+00', '2.2500000000000000e+01', '1.0000000000000000e+01', '0.1', '0.2', '0.3',
      '123456789', '1234567890', '12345678901234567890', '0.000000000000000000000001', '9007199254740993',
      '1e22', '1e23', '1e-22', '1e-23', '4.9e-324', '1.7976931348623157e308', '0.30000000000000004',
      '20.312311', '-0.000113', '51.8474', '2.33827271799', '14.5042431863',
    ];
    for (const c of cases) {
      const s = scannerOver(c + ' ');
      const v = s.float('x');
      expect(Object.is(v, Number(c)), `${c} → ${v}`).toBe(true);
    }
  });

  it('agrees bit for bit on 200 000 random decimal strings', () => {
    const r = rng(12345);
    for (let k = 0; k < 200_000; k++) {
      const intDigits = Math.floor(r() * 8);
      const fracDigits = Math.floor(r() * 12);
      let t = r() < 0.3 ? '-' : '';
      for (let i = 0; i < intDigits; i++) t += Math.floor(r() * 10);
      if (fracDigits > 0 || intDigits === 0) {
        t += '.';
        for (let i = 0; i < Math.max(1, fracDigits); i++) t += Math.floor(r() * 10);
      }
      if (r() < 0.2) t += `e${r() < 0.5 ? '-' : '+'}${Math.floor(r() * 30)}`;
      const s = scannerOver(t + '\n');
      const v = s.float('x');
      if (!Object.is(v, Number(t))) expect(v, t).toBe(Number(t));
    }
  });

  it('stops at blanks, CR and the end of the data', () => {
    const s = scannerOver('  1.5\t-2.25\r\n');
    expect(s.float('a')).toBe(1.5);
    expect(s.float('b')).toBe(-2.25);
    s.eol();
    expect(s.line).toBe(2);
  });

  it.each(['abc', '1.2.3', '1e', '-', 'nan', 'inf', '1,5', '3x', '--1', '1e+'])('rejects %j naming the line and the token', (tok) => {
    const s = scannerOver(`first line\n  ${tok} 2\n`);
    s.skipLine();
    let err: unknown;
    try {
      s.float('the x coordinate');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    const pe = err as ParseError;
    expect(pe.line).toBe(2);
    expect(pe.message).toContain('test.txt, line 2');
    expect(pe.message).toContain('expected the x coordinate');
  });
});

describe('Scanner.int', () => {
  it('reads signed integers and rejects fractions', () => {
    const s = scannerOver('42 -7 +3 1.5\n');
    expect(s.int('a')).toBe(42);
    expect(s.int('b')).toBe(-7);
    expect(s.int('c')).toBe(3);
    expect(() => s.int('d')).toThrow(/expected d \(an integer\), not "1.5"/);
  });
});

/** What `fn` throws (undefined if it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('Scanner at the end of its buffer', () => {
  it('asks for more data when a line is cut by the end of the buffer', () => {
    const s = scannerOver('1.25 3.7', false);
    expect(s.float('a')).toBe(1.25);
    // "3.7" may continue in the next block: the scanner must neither accept the line nor call it malformed.
    s.float('b');
    expect(thrown(() => s.eol())).toBe(NEED_MORE);
    const t = scannerOver('1.25 3.', false);
    t.float('a');
    expect(thrown(() => t.float('b'))).toBe(undefined);
    expect(thrown(() => t.float('c'))).toBe(NEED_MORE);
  });

  it('treats a missing line at the end of the file as truncation', () => {
    const s = scannerOver('only line\n');
    s.skipLine();
    expect(thrown(() => s.needLine())).toBe(TRUNCATED);
  });

  it('accepts a last line without a newline', () => {
    const s = scannerOver('1 2 3');
    expect([s.float('x'), s.float('y'), s.float('z')]).toEqual([1, 2, 3]);
    s.eol();
    expect(s.atEnd()).toBe(true);
  });
});
