/**
 * The one colour the page and the 3D view share: the emphasised first-shell atoms in Mol*, the
 * shell cutoff rule on the g(r) plot and the legend (amber: unlike any element colour of an
 * electrolyte, so it reads as "shell", not as an element).
 */
export const SHELL_RGB = 0xffb000;
export const SHELL_CSS = `#${SHELL_RGB.toString(16).padStart(6, '0')}`;
