import { open } from 'node:fs/promises';
import { countLines } from '../io/text-lines.js';

/** 1-based line number of a byte offset of an uncompressed file (an error path: read to it once). */
export async function lineAtOffset(path: string, offset: number): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(16 << 20);
    let pos = 0;
    let lines = 1;
    while (pos < offset) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, offset - pos), pos);
      if (bytesRead === 0) break;
      lines += countLines(buf, 0, bytesRead);
      pos += bytesRead;
    }
    return lines;
  } finally {
    await fh.close();
  }
}
