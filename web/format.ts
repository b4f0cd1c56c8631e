const ps = new Intl.NumberFormat('en', { minimumFractionDigits: 1, maximumFractionDigits: 3, useGrouping: false });

/** A time in ps as the page writes it: "0.0 ps", "0.5 ps", "100.0 ps", "12.345 ps". */
export function formatPs(t: number): string {
  return `${ps.format(t)} ps`;
}
