import { describe, expect, it } from 'vitest';
import { AtomRows } from '../../src/io/atom-rows.js';
import { Role } from '../../src/io/atom-role.js';
import { compileRows, lastCall, primingRows } from '../../src/io/row-compiler.js';

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

describe('priming a compiled parser', () => {
  // compileRows runs each new parser over primingRows before any frame, so that V8 has seen every
  // path before it optimises the parser; a path first met after that would discard the optimised
  // code. That works only if the priming rows are read to their end, by both parsers, with the
  // values Number() gives: a row the compiled parser gave up on would leave the paths after it unseen.
  const LAYOUTS: [string, Role[]][] = [
    ['id type element x y z ix iy iz', ROLES],
    ['id mol type q x y z', [Role.Id, Role.Mol, Role.Type, Role.Charge, Role.X, Role.Y, Role.Z]],
    ['id element mass xu yu zu', [Role.Id, Role.Element, Role.Mass, Role.X, Role.Y, Role.Z]],
    ['x y z after skipped columns, no id', [Role.Skip, Role.Skip, Role.X, Role.Y, Role.Z]],
  ];

  it.each(LAYOUTS)('%s: every priming row is read, by the full and the sparse parser', (_layout, roles) => {
    const { text, n, want } = primingRows(roles);
    for (const sparse of [false, true]) {
      const { b, end } = bufferOf(text);
      const rows = new AtomRows();
      rows.ensure(n);
      const next = compileRows(roles, sparse)(b, 0, end, n, rows, sparse ? want : undefined);
      expect(next, sparse ? 'sparse' : 'full').toBe(end);
      const lines = text.split('\n').filter((l) => l !== '');
      const xCol = roles.indexOf(Role.X);
      const idCol = roles.indexOf(Role.Id);
      for (let i = 0; i < n; i++) {
        const cols = lines[i].trim().split(/\s+/);
        const stepped = sparse && idCol >= 0 && want[Number(cols[idCol])] === 1;
        if (!stepped) expect(rows.pos[3 * i]).toBe(Number(cols[xCol]));
      }
    }
  });

  it('the priming rows take the paths a real file may take later: signs, exponents, rows stepped over, unknown ids, ids out of order, extra columns', () => {
    const { text, want } = primingRows(ROLES);
    expect(text).toMatch(/ -\d/);
    expect(text).toMatch(/ \+\d/);
    expect(text).toMatch(/e-\d/);
    expect(text).toMatch(/E\+\d/);
    expect(text).toContain('\r\n');
    expect(text).toMatch(/ extra /);
    const ids = text.split('\n').filter((l) => l !== '').map((l) => Number(l.trim().split(/\s+/)[0]));
    expect(ids.some((id, i) => i > 0 && id <= ids[i - 1])).toBe(true);
    expect(ids.map((id) => want[id] ?? 0)).toEqual(expect.arrayContaining([0, 1, 2]));
    expect(ids.some((id) => id >= want.length)).toBe(true);
  });
});
