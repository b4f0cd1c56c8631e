/** Numbers for people: significant digits without exponent noise for everyday magnitudes. */
export function formatNumber(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const ax = Math.abs(x);
  if (ax >= 1e-3 && ax < 1e7) {
    const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(ax)));
    return Number(x.toFixed(Math.min(decimals, 12))).toString();
  }
  return x.toExponential(digits - 1);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}
