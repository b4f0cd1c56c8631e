import { InputError } from '../model/errors.js';
import type { TrajectoryFormat } from './format.js';
import { FORMATS, formatByName, formatNames } from './formats.js';
import { openByteSource } from './source.js';

/** Bytes of a file's head that sniffing looks at. */
const HEAD_BYTES = 64 * 1024;

/**
 * Which format a file is in, from its first bytes (the name is only a tie-breaker nowhere: names
 * lie): binary formats by their magic numbers, text formats by their first lines. Null when no
 * format recognises it.
 */
export function sniffFormat(head: Buffer | string): TrajectoryFormat | null {
  const bytes = typeof head === 'string' ? Buffer.from(head, 'latin1') : head;
  const text = typeof head === 'string' ? head : head.toString('latin1');
  const binary = bytes.includes(0);
  for (const f of FORMATS) if (f.binary === binary && f.sniff(bytes, text)) return f;
  return null;
}

/** Format from `--format` (validated) or from the file's content. */
export async function detectFormat(path: string, given?: string | null): Promise<TrajectoryFormat> {
  if (given != null) return formatByName(given);
  const src = await openByteSource(path);
  const head = Buffer.alloc(HEAD_BYTES);
  let n = 0;
  try {
    for (;;) {
      const r = await src.read(head, n, head.length - n);
      if (r === 0) break;
      n += r;
      if (n === head.length) break;
    }
  } finally {
    await src.close();
  }
  if (n === 0) throw new InputError(`${path}: the file is empty`);
  const f = sniffFormat(head.subarray(0, n));
  if (f) return f;
  if (head.subarray(0, n).includes(0)) {
    throw new InputError(`${path}: a binary file mdpost does not recognise; it reads ${formatNames()}, plain or gzip-compressed`);
  }
  const firstLine = head.toString('latin1', 0, Math.min(n, 80)).split('\n')[0];
  throw new InputError(
    `${path}: cannot tell the format from the first lines (line 1 is ${JSON.stringify(firstLine)}); expected ${FORMATS.map((x) => x.description).join(', ')}; give --format ${formatNames('|')}`,
  );
}
