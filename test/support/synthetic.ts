import { MsdSeries, msdCurve, msdSums, type MsdCurve } from '../../src/analysis/msd.js';
import { gaussian } from './random.js';

/**
 * Random walks with a known diffusion coefficient: Gaussian steps of variance 2·D·dt per axis
 * between frames dt apart, so the MSD is 6·D·t exactly in expectation.
 */
export function randomWalkSeries(particles: number, frames: number, dA2PerPs: number, dtPs: number, seed: number): MsdSeries {
  const g = gaussian(seed);
  const series = new MsdSeries(particles, frames);
  const pos = new Float64Array(3 * particles);
  const sd = Math.sqrt(2 * dA2PerPs * dtPs);
  for (let j = 0; j < pos.length; j++) pos[j] = 10 * g();
  for (let t = 0; t < frames; t++) {
    if (t > 0) for (let j = 0; j < pos.length; j++) pos[j] += sd * g();
    series.add(pos);
  }
  return series;
}

export function curveOf(series: MsdSeries, dtPs: number): MsdCurve {
  return msdCurve(msdSums(series.data, series.particles, 0, series.particles, 0, series.frames), dtPs);
}
