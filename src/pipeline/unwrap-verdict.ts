import { InputError } from '../model/errors.js';
import type { UnwrapChecks } from '../select/unwrap.js';

/** Steps near half the cell above this share of all steps unwrapped by minimum image make the MSD unreliable. */
export const NEAR_HALF_LIMIT = 1e-3;

/**
 * What the unwrapping of a whole run means for the numbers that rest on it: errors for
 * coordinates that cannot be right (a wrong D printed as if it were right is worse than none),
 * warnings for what the user should know.
 */
export function unwrapVerdict(file: string, c: UnwrapChecks): string[] {
  const warnings: string[] = [];
  const f2 = (x: number) => Number(x.toPrecision(3));
  // Wrapped coordinates under an unwrapped label jump a cell width at every crossing, and never
  // leave the cell; continuous coordinates that jump (frames stored far apart) do leave it.
  if (c.claimedJumps > 0 && c.firstClaimedJump && c.outside === 0) {
    const j = c.firstClaimedJump;
    throw new InputError(
      `${file}, frame ${j.frame}: atom ${j.atom} moves ${f2(j.stepA)} Å between frames across a cell ${f2(j.widthA)} Å wide, in coordinates taken as continuous ` +
        `(${c.claimedJumps} such steps in the run), which never leave the cell: they are wrapped coordinates under an unwrapped label (MDTraj's LAMMPS writer labels wrapped coordinates xu); ` +
        'give --unwrap jumps to unwrap them by minimum image',
    );
  }
  if (c.noCellJumps > 0 && c.firstNoCellJump) {
    const j = c.firstNoCellJump;
    throw new InputError(
      `${file}, frame ${j.frame}: atom ${j.atom} moves ${f2(j.stepA)} Å between frames while the atoms followed span ${f2(j.widthA)} Å along that axis, in coordinates taken as continuous ` +
        `(${c.noCellJumps} such steps in the run): they are wrapped in a periodic cell the file does not state; ` +
        'give --box "a b c" (Å) so that they can be unwrapped (with --box, coordinates that are truly continuous are checked against the cell instead)',
    );
  }
  if (c.nearHalf > 0 && c.firstNearHalf) {
    const j = c.firstNearHalf;
    const share = c.nearHalf / Math.max(1, c.jumpSteps);
    const what =
      `${c.nearHalf} of ${c.jumpSteps} atom steps between frames (${(100 * share).toPrecision(2)}%) span more than ${35}% of the cell ` +
      `(e.g. atom ${j.atom} at frame ${j.frame}: ${f2(j.stepA)} Å across ${f2(j.widthA)} Å), so some steps longer than half the cell have been folded back by minimum-image unwrapping`;
    const fix = 'store frames more often, or dump image flags (ix iy iz) or unwrapped coordinates (xu yu zu)';
    if (share > NEAR_HALF_LIMIT) throw new InputError(`${file}: the frames are too far apart to unwrap: ${what}, and the MSD would be too small; ${fix}`);
    warnings.push(`${file}: ${what}; the MSD may be slightly too small — ${fix}`);
  }
  if (c.flips.length > 0) {
    const list = c.flips.length > 5 ? `${c.flips.slice(0, 5).join(', ')}, …` : c.flips.join(', ');
    warnings.push(`${file}: the cell flipped to an equivalent one at frame${c.flips.length > 1 ? 's' : ''} ${list} (LAMMPS fix deform … flip yes): image flags are remapped there without any atom moving, so those steps were unwrapped by minimum image`);
  }
  if (c.unwrappedColumnsInChangingCell) {
    warnings.push(
      `${file}: the cell changes between frames, and the coordinates are unwrapped columns (LAMMPS xu = x + n·H(t)), which fold the box fluctuations into the positions ` +
        '(von Bülow, Bullerjahn & Hummer 2020); dump x y z with image flags (ix iy iz) instead, which mdpost unwraps step by step with the current cell',
    );
  }
  return warnings;
}
