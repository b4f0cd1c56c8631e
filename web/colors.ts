import type { IonClass } from './api.js';

/**
 * Colours the page and the 3D view share. Amber marks the shell: the partner atoms within the
 * cutoff in Mol*, the cutoff rules on the g(r) plot, the legend — unlike any element colour of an
 * electrolyte, so it reads as "shell", not as an element. The ion-pair classes take three
 * colours of Okabe and Ito's colour-blind-safe set, none of them amber, drawn on the highlighted
 * cations (spheres) and in the plots over the run.
 */
export const SHELL_RGB = 0xffb000;
export const SHELL_CSS = css(SHELL_RGB);

export const CLASS_RGB: Record<IonClass, number> = { SSIP: 0x56b4e9, CIP: 0xcc79a7, AGG: 0xd55e00 };
export const CLASS_CSS: Record<IonClass, string> = { SSIP: css(CLASS_RGB.SSIP), CIP: css(CLASS_RGB.CIP), AGG: css(CLASS_RGB.AGG) };

export const CLASS_MEANING: Record<IonClass, string> = {
  SSIP: 'no anion in its shell (solvent-separated)',
  CIP: 'one anion, which no other cation shares (contact ion pair)',
  AGG: 'two or more anions, or one that another cation shares (aggregate)',
};

function css(rgb: number): string {
  return `#${rgb.toString(16).padStart(6, '0')}`;
}
