import { closeSync, createReadStream, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { InputError } from '../model/errors.js';

/**
 * The bytes of a trajectory, plain or gzip-compressed (recognised by its magic number, not its
 * name), read in large blocks into the caller's buffer. Plain files can be read from a byte
 * range, which is how worker threads each parse their own part of a file.
 */
export interface ByteSource {
  /** Read up to `length` bytes into `buf` at `offset`; 0 at the end. */
  read(buf: Buffer, offset: number, length: number): Promise<number>;
  close(): Promise<void>;
  readonly compressed: boolean;
  /** Size of the file on disk (compressed size for gzip). */
  readonly fileBytes: number;
  /** Bytes of the file on disk consumed so far, for progress. */
  readonly fileBytesRead: number;
  /** Things the reader should pass on as warnings. */
  readonly notes: string[];
}

export interface ByteRange {
  start: number;
  end: number;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/*
 * The small probes of a file (is it gzip, how long, its first bytes) are blocking calls, as the
 * large reads are: each asynchronous call is a round trip through the thread pool, and a run
 * probes its trajectory a dozen times before the first frame (~0.3–1 ms each, against ~0.1 ms).
 */

export async function isGzip(path: string): Promise<boolean> {
  const fd = openOrExplain(path);
  try {
    return startsGzip(fd);
  } finally {
    closeSync(fd);
  }
}

function startsGzip(fd: number): boolean {
  const head = Buffer.alloc(2);
  return readSync(fd, head, 0, 2, 0) === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

/**
 * Bytes of the (decompressed) stream: the file size, or for gzip the size its trailer records
 * (modulo 4 GiB, so a lower bound for huge files — enough to decide whether to use threads).
 */
export async function streamBytes(path: string): Promise<number> {
  const fd = openOrExplain(path);
  try {
    const size = fstatSync(fd).size;
    if (!startsGzip(fd) || size < 18) return size;
    const tail = Buffer.alloc(4);
    readSync(fd, tail, 0, 4, size - 4);
    return Math.max(size, tail.readUInt32LE(0));
  } finally {
    closeSync(fd);
  }
}

/** A file descriptor of `path` for reading, or an InputError saying why there is none. */
function openOrExplain(path: string): number {
  try {
    if (statSync(path).isDirectory()) throw new InputError(`${path}: is a directory, not a trajectory file`);
    return openSync(path, 'r');
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${path}: no such file`);
    if (code === 'EACCES') throw new InputError(`${path}: permission denied`);
    throw new InputError(`${path}: cannot open (${(e as Error).message})`);
  }
}

export async function openByteSource(path: string, range?: ByteRange): Promise<ByteSource> {
  const fd = openOrExplain(path);
  if (startsGzip(fd)) {
    closeSync(fd);
    if (range) throw new Error('internal: byte ranges of gzip files cannot be read directly');
    return openGzip(path);
  }
  let closed = false;
  const size = fstatSync(fd).size;
  let pos = range ? range.start : 0;
  const stop = range ? Math.min(range.end, size) : size;
  const start = pos;
  return {
    compressed: false,
    fileBytes: stop - start,
    get fileBytesRead() {
      return pos - start;
    },
    // Blocking reads of large blocks: a page-cache read of 16 MB takes a few milliseconds, and
    // skipping the round trip through the event loop keeps parsing threads busy.
    async read(buf, offset, length) {
      const want = Math.min(length, stop - pos);
      if (want <= 0) return 0;
      const n = readSync(fd, buf, offset, want, pos);
      pos += n;
      return n;
    },
    notes: [],
    // Once only: the number of a closed descriptor may already be another file's.
    close: async () => {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
}

async function openGzip(path: string): Promise<ByteSource> {
  const size = statSync(path).size;
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  let rawRead = 0;
  let produced = 0;
  raw.on('data', (c) => {
    rawRead += c.length;
  });
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  raw.on('error', (e) => gunzip.destroy(e));
  const chunks = raw.pipe(gunzip)[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let pending: Buffer | null = null;
  let done = false;
  const notes: string[] = [];
  return {
    compressed: true,
    fileBytes: size,
    get fileBytesRead() {
      return rawRead;
    },
    notes,
    async read(buf, offset, length) {
      while (!pending || pending.length === 0) {
        if (done) return 0;
        let r: IteratorResult<Buffer>;
        try {
          r = await chunks.next();
        } catch (e) {
          const msg = (e as Error).message;
          done = true;
          if (/unexpected end of file/i.test(msg)) {
            if (produced > 0) {
              // A gzip file still being written: use what is there.
              notes.push('the gzip stream ends early (a file still being written?); reading what it holds');
              return 0;
            }
            // Nothing decompressed at all: a damaged header (a flag promising fields that are not
            // there) ends like a cut-off file, and "the file is empty" would mislead.
            throw new InputError(`${path}: the gzip stream is corrupt (it ends before any data could be decompressed: a damaged gzip header, or a file cut off right after it)`);
          }
          throw new InputError(`${path}: the gzip stream is corrupt (${msg})`);
        }
        if (r.done) {
          done = true;
          return 0;
        }
        pending = r.value;
        produced += pending.length;
      }
      const n = Math.min(length, pending.length);
      pending.copy(buf, offset, 0, n);
      pending = pending.subarray(n);
      return n;
    },
    async close() {
      raw.destroy();
      gunzip.destroy();
    },
  };
}

/** Bytes already in memory (a slice of a decompressed stream handed to a worker). */
export function bufferSource(bytes: Buffer): ByteSource {
  let pos = 0;
  return {
    compressed: false,
    fileBytes: bytes.length,
    get fileBytesRead() {
      return pos;
    },
    notes: [],
    async read(buf, offset, length) {
      const n = Math.min(length, bytes.length - pos);
      if (n <= 0) return 0;
      bytes.copy(buf, offset, pos, pos + n);
      pos += n;
      return n;
    },
    async close() {},
  };
}
