import { inflateSync } from 'node:zlib';

/** An image as 8-bit RGBA, row by row. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Decode the PNGs Chromium writes for screenshots: 8 bits per channel, RGB or RGBA, not
 * interlaced. Anything else is refused rather than misread.
 */
export function decodePng(png: Buffer): Rgba {
  if (png.readUInt32BE(0) !== 0x89504e47 || png.readUInt32BE(4) !== 0x0d0a1a0a) throw new Error('not a PNG');
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const body = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colour, , , interlace] = body.subarray(8, 13);
      if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`);
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? out[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      out[i] = (line[i] + unfilter(filter, a, b, c)) & 0xff;
    }
  }
  if (channels === 4) return { width, height, data: pixels };
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    data.set(pixels.subarray(3 * p, 3 * p + 3), 4 * p);
    data[4 * p + 3] = 255;
  }
  return { width, height, data };
}

/** What PNG's filter `type` adds back, given the bytes left (a), above (b) and above-left (c). */
function unfilter(type: number, a: number, b: number, c: number): number {
  switch (type) {
    case 0:
      return 0;
    case 1:
      return a;
    case 2:
      return b;
    case 3:
      return (a + b) >> 1;
    case 4: {
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    default:
      throw new Error(`bad PNG filter ${type}`);
  }
}

/** Pixels whose colour differs from `rgb` by more than `tolerance` in some channel. */
export function countDiffering(img: Rgba, rgb: readonly [number, number, number], tolerance = 8): number {
  let n = 0;
  for (let p = 0; p < img.width * img.height; p++) {
    const d = img.data;
    if (Math.abs(d[4 * p] - rgb[0]) > tolerance || Math.abs(d[4 * p + 1] - rgb[1]) > tolerance || Math.abs(d[4 * p + 2] - rgb[2]) > tolerance) n++;
  }
  return n;
}

/** Pixels that differ between two images of the same size by more than `tolerance` in some channel. */
export function countChanged(a: Rgba, b: Rgba, tolerance = 8): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`sizes differ: ${a.width}×${a.height} and ${b.width}×${b.height}`);
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    if (Math.abs(a.data[i] - b.data[i]) > tolerance || Math.abs(a.data[i + 1] - b.data[i + 1]) > tolerance || Math.abs(a.data[i + 2] - b.data[i + 2]) > tolerance) n++;
  }
  return n;
}

/**
 * How much of each `block` × `block` tile differs from the background colour, tile by tile (a
 * coarse picture of where things are drawn, indifferent to antialiasing and one-pixel shifts).
 */
export function coverage(img: Rgba, background: readonly [number, number, number], block: number): number[] {
  const cols = Math.ceil(img.width / block), rows = Math.ceil(img.height / block);
  const drawn = new Array<number>(cols * rows).fill(0), total = new Array<number>(cols * rows).fill(0);
  const d = img.data;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const p = 4 * (y * img.width + x), t = Math.floor(y / block) * cols + Math.floor(x / block);
      total[t]++;
      if (Math.abs(d[p] - background[0]) > 8 || Math.abs(d[p + 1] - background[1]) > 8 || Math.abs(d[p + 2] - background[2]) > 8) drawn[t]++;
    }
  }
  return drawn.map((n, t) => n / total[t]);
}

/** Pearson's correlation coefficient of two equally long series. */
export function correlation(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(a), mb = mean(b);
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}
