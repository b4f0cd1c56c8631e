/**
 * Numbers in fixed columns (GRO's `%8.3f%8.3f%8.3f`, PDB's columns 31–54), where a wide negative
 * value fills its field and touches the one before it ("  21.100-100.250"), so fields are cut
 * by position rather than split at blanks. Parsed from the bytes without allocating.
 */
const POW10 = new Float64Array(23);
for (let i = 0; i < 23; i++) POW10[i] = Number(`1e${i}`);
const MAX_EXACT = 9007199254740992; // 2^53

const SPACE = 32, MINUS = 45, PLUS = 43, DOT = 46, ZERO = 48;

/**
 * The decimal number in buf[from, to) times 10^shift (shift 1: nm → Å), or NaN when the field
 * holds anything but blanks around an optionally signed decimal. The value is the decimal's
 * own correctly rounded double (an integer mantissa below 2^53 divided or multiplied by an exact
 * power of ten is one rounding — Clinger's fast path), so `10 × 0.719 nm` is the double nearest
 * 7.19, not 7.1899999999999995.
 */
export function fixedDecimal(buf: Buffer, from: number, to: number, shift: number): number {
  let p = from;
  while (p < to && buf[p] === SPACE) p++;
  let neg = false;
  if (buf[p] === MINUS) {
    neg = true;
    p++;
  } else if (buf[p] === PLUS) p++;
  let m = 0;
  let digits = 0;
  let scale = 0;
  let d = (buf[p] - ZERO) >>> 0;
  while (p < to && d < 10) {
    m = m * 10 + d;
    digits++;
    d = (buf[++p] - ZERO) >>> 0;
  }
  if (p < to && buf[p] === DOT) {
    d = (buf[++p] - ZERO) >>> 0;
    while (p < to && d < 10) {
      m = m * 10 + d;
      digits++;
      scale++;
      d = (buf[++p] - ZERO) >>> 0;
    }
  }
  if (digits === 0) return NaN;
  while (p < to && buf[p] === SPACE) p++;
  if (p < to) return NaN;
  const e = shift - scale;
  let v: number;
  if (m < MAX_EXACT && e >= -22 && e <= 22) v = e < 0 ? m / POW10[-e] : m * POW10[e];
  else v = Number(buf.toString('latin1', from, to).trim()) * 10 ** shift;
  return neg ? -v : v;
}

/** The integer in buf[from, to) (blanks around it), or NaN. */
export function fixedInt(buf: Buffer, from: number, to: number): number {
  let p = from;
  while (p < to && buf[p] === SPACE) p++;
  let neg = false;
  if (buf[p] === MINUS) {
    neg = true;
    p++;
  }
  let m = 0;
  let digits = 0;
  let d = (buf[p] - ZERO) >>> 0;
  while (p < to && d < 10) {
    m = m * 10 + d;
    digits++;
    d = (buf[++p] - ZERO) >>> 0;
  }
  while (p < to && buf[p] === SPACE) p++;
  if (digits === 0 || p < to || m > Number.MAX_SAFE_INTEGER) return NaN;
  return neg ? -m : m;
}
