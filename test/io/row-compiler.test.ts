import { describe, expect, it } from 'vitest';
import { AtomRows } from '../../src/io/atom-rows.js';
import { Role } from '../../src/io/atom-role.js';
import { compileRows, lastCall } from '../../src/io/row-compiler.js';

function bufferOf(text: string): { b: Buffer; end: number } {
  const bytes = Buffer.from(text, 'latin1');
  const b = Buffer.alloc(bytes.length + 1);
  bytes.copy(b);
  return { b, end: bytes.length };
}

const ROLES = [Role.Id, Role.Type, Role.Element, Role.X, Role.Y, Role.Z, Role.ImageX, Role.ImageY, Role.ImageZ];

function run(text: string, n: number, roles = ROLES) {
  const { b, end } = bufferOf(text);
  const rows = new AtomRows();
  rows.ensure(n);
  const next = compileRows(roles)(b, 0, end, n, rows);
  return { next, rows, end };
}

describe('compiled row parser', () => {
  it('reads the common case exactly, as Number() would', () => {
    const nums = ['11.9629', '-4.24886', '27.054', '1.5e-05', '2.25e+01', '0.1', '123456789.123', '+3', '.5', '5.'];
    let text = '';
    for (let i = 0; i < nums.length; i++) text += `${i + 1} 2 O ${nums[i]} ${nums[(i + 1) % nums.length]} ${nums[(i + 2) % nums.length]} 0 -1 2\n`;
    const { next, rows, end } = run(text, nums.length);
    expect(next).toBe(end);
    for (let i = 0; i < nums.length; i++) {
      expect(rows.pos[3 * i]).toBe(Number(nums[i]));
      expect(rows.pos[3 * i + 1]).toBe(Number(nums[(i + 1) % nums.length]));
      expect(rows.id[i]).toBe(i + 1);
      expect([rows.img[3 * i], rows.img[3 * i + 1], rows.img[3 * i + 2]]).toEqual([0, -1, 2]);
    }
    expect(lastCall.idsAscending).toBe(true);
  });

  it('tolerates CRLF and extra columns after the last needed one', () => {
    const { next, rows, end } = run('1 1 Na 1 2 3 0 0 0 extra 7.5\r\n2 1 Na 4 5 6 0 0 1\r\n', 2);
    expect(next).toBe(end);
    expect(rows.pos[5]).toBe(6);
  });

  it('notices descending ids', () => {
    run('2 1 O 0 0 0 0 0 0\n1 1 O 0 0 0 0 0 0\n', 2);
    expect(lastCall.idsAscending).toBe(false);
  });

  it.each([
    ['a hexadecimal number', '1 1 O 0x10 0 0 0 0 0\n'],
    ['a mantissa beyond 2^53 (17 digits)', '1 1 O 2.2500000000000000e+01 0 0 0 0 0\n'],
    ['a malformed number', '1 1 O 1.2.3 0 0 0 0 0\n'],
    ['nan', '1 1 O nan 0 0 0 0 0\n'],
    ['an exponent too large for the exact path', '1 1 O 1e400 0 0 0 0 0\n'],
    ['a tab', '1 1 O\t1 0 0 0 0 0\n'],
    ['a short line', '1 1 O 1 2 3\n'],
    ['a fractional image flag', '1 1 O 1 2 3 0 0.5 0\n'],
    ['a row cut by the end of the buffer', '1 1 O 1 2 3 0 0 0\n2 1 O 1 2'],
    ['a last row without its newline', '1 1 O 1 2 3 0 0 0'],
  ])('gives up (−1) on %s, leaving it to the generic parser', (_what, text) => {
    expect(run(text, text.split('\n').filter((l) => l !== '').length).next).toBe(-1);
  });
});
