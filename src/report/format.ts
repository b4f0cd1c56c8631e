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

/** "0.123 ± 0.012" with the error's two significant digits setting the precision. */
export function withError(x: number, err: number | null): string {
  if (err === null || !(err > 0) || !Number.isFinite(err)) return formatNumber(x, 4);
  const decimals = Math.max(0, 1 - Math.floor(Math.log10(err)));
  // Exponents only when both are tiny or huge; a value far inside its error rounds to 0.
  if (decimals > 12 || Math.abs(x) >= 1e7 || Math.max(Math.abs(x), err) < 1e-3) return `${formatNumber(x, 4)} ± ${formatNumber(err, 2)}`;
  const value = x.toFixed(decimals);
  return `${/^-0\.?0*$/.test(value) ? value.slice(1) : value} ± ${err.toFixed(decimals)}`;
}

/** (1.23 ± 0.12)×10⁻⁵, for cm²/s values. */
export function scientific(x: number, err: number): string {
  if (x === 0) return `0 ± ${err.toExponential(1)}`;
  const e = Math.floor(Math.log10(Math.abs(x)));
  const sup = (n: number) => String(n).replace(/-/g, '⁻').replace(/\d/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(d)]);
  return `(${withError(x / 10 ** e, err / 10 ** e)})×10${sup(e)}`;
}

/** Text safe inside HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A file-name-safe form of a selection ("not H2O" → "not-H2O"). */
export function slug(text: string): string {
  return text.trim().replace(/[^A-Za-z0-9+]+/g, '-').replace(/^-|-$/g, '') || 'selection';
}
