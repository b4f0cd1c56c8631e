import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/model/errors.js';
import { pos, readAll, readError, tempFile } from '../support/io.js';

const xyz = '2\nframe 0\nNa 0 0 0\nO 1 2 3\n'.repeat(20);
/** A valid gzip stream of `xyz`; tests damage copies of it. Names without .gz: tempFile writes bytes as they are. */
const good = gzipSync(Buffer.from(xyz, 'latin1'));
const damaged = (edit: (b: Buffer) => void) => {
  const b = Buffer.from(good);
  edit(b);
  return b;
};

describe('gzip input (recognised by its magic bytes)', () => {
  it('reads a valid stream', async () => {
    const { frames } = await readAll(tempFile('good.xyz', good));
    expect(frames).toHaveLength(20);
    expect(pos(frames[19], 1)).toEqual([1, 2, 3]);
  });

  it('calls a damaged header corrupt gzip, not an empty file (FEXTRA flag set: the header runs past the end)', async () => {
    const path = tempFile('fextra.xyz', damaged((b) => (b[3] = 0x04)));
    const err = await readError(path);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(
      `${path}: the gzip stream is corrupt (it ends before any data could be decompressed: a damaged gzip header, or a file cut off right after it)`,
    );
    // The same when the format is given and nothing sniffs the content first.
    expect((await readError(path, { format: 'xyz' })).message).toMatch(/fextra.xyz: the gzip stream is corrupt/);
  });

  it('calls the magic bytes alone, or a header with nothing after it, corrupt gzip', async () => {
    expect((await readError(tempFile('magic.xyz', Buffer.from([0x1f, 0x8b])))).message).toMatch(/magic.xyz: the gzip stream is corrupt \(it ends before any data/);
    expect((await readError(tempFile('header.xyz', good.subarray(0, 10))))).toBeInstanceOf(InputError);
    expect((await readError(tempFile('header.xyz', good.subarray(0, 10)))).message).toMatch(/header.xyz: the gzip stream is corrupt/);
  });

  it('names what zlib found in a corrupt header or body', async () => {
    const method = await readError(tempFile('method.xyz', damaged((b) => (b[2] = 7))));
    expect(method).toBeInstanceOf(InputError);
    expect(method.message).toMatch(/method.xyz: the gzip stream is corrupt \(unknown compression method\)/);
    const body = await readError(tempFile('body.xyz', damaged((b) => b.fill(0xff, 10, b.length - 8))));
    expect(body.message).toMatch(/body.xyz: the gzip stream is corrupt \(/);
    const crc = await readError(tempFile('crc.xyz', damaged((b) => (b[b.length - 8] ^= 1))));
    expect(crc.message).toMatch(/crc.xyz: the gzip stream is corrupt \(incorrect data check\)/);
  });

  it('still reads the frames of a gzip file cut off after some data, with warnings', async () => {
    let text = '';
    for (let k = 0; k < 2000; k++) text += `2\nframe ${k}\nNa ${k % 7} ${k % 11} ${k % 13}\nO ${k % 5} ${k % 3} ${k % 17}\n`;
    const whole = gzipSync(Buffer.from(text, 'latin1'));
    const { frames, reader } = await readAll(tempFile('cut.xyz', whole.subarray(0, whole.length >> 1)));
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.length).toBeLessThan(2000);
    expect(reader.warnings.some((w) => /the gzip stream ends early/.test(w))).toBe(true);
  });
});
