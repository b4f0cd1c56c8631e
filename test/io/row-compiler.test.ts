import { describe, expect, it } from 'vitest';
import { AtomRows } from '../../src/io/atom-rows.js';
import { Role } from '../../src/io/atom-role.js';
import { compileRows, lastCall, primingRows, wordsOf } from '../../src/io/row-compiler.js';

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

describe('stepping over rows by words', () => {
  // A sparse parser steps over an unwanted row four bytes at a time (wordsOf); it must land on
  // the same line end as the byte-by-byte search wherever that falls in a word, from any start.
  function rowsText(n: number, seed: number): string {
    let text = '';
    for (let i = 0; i < n; i++) {
      const pad = ' '.repeat((i * 7 + seed) % 9);
      text += `${i + 1} 1 O ${(i * 0.37).toFixed(1 + ((i + seed) % 5))} 2.5${pad} -3 0 0 ${i % 3}${(i + seed) % 4 === 0 ? ' extra' : ''}\n`;
    }
    return text;
  }

  it.each([0, 1, 2, 3])('from a start %i bytes into a word: the wanted rows read as a full parse reads them', (shift) => {
    for (let seed = 0; seed < 8; seed++) {
      const text = rowsText(40, seed);
      // The text after `shift` blanks, then the 0 sentinel a reader's buffer has after its data.
      const b = Buffer.alloc(shift + text.length + 8);
      b.fill(' ', 0, shift);
      b.write(text, shift, 'latin1');
      const end = shift + text.length;
      const want = new Uint8Array(41);
      for (let id = 1; id <= 40; id++) want[id] = id % 5 === 0 ? 2 : 1;
      const full = new AtomRows();
      full.ensure(40);
      expect(compileRows(ROLES)(b, shift, end, 40, full)).toBe(end);
      const some = new AtomRows();
      some.ensure(40);
      const words = wordsOf(b);
      expect(words).toBeDefined();
      expect(compileRows(ROLES, true)(b, shift, end, 40, some, want, words)).toBe(end);
      for (let i = 4; i < 40; i += 5) {
        expect([some.pos[3 * i], some.pos[3 * i + 1], some.img[3 * i + 2]]).toEqual([full.pos[3 * i], full.pos[3 * i + 1], full.img[3 * i + 2]]);
      }
    }
  });

  it('a row stepped over that runs to the end of the buffer without its line feed gives up (−1)', () => {
    const text = '1 1 O 1 2 3 0 0 0\n2 1 O 1 2 3 0 0 0 and more text without an end';
    const b = Buffer.alloc(text.length + 16);
    b.write(text, 0, 'latin1');
    const want = new Uint8Array([0, 2, 1]);
    const rows = new AtomRows();
    rows.ensure(2);
    expect(compileRows(ROLES, true)(b, 0, text.length, 2, rows, want, wordsOf(b))).toBe(-1);
  });

  it('a buffer that does not start on a word boundary is stepped over byte by byte', () => {
    const pool = Buffer.alloc(64);
    expect(wordsOf(pool.subarray(1))).toBeUndefined();
  });
});
