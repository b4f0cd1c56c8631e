import { describe, expect, it } from 'vitest';
import { withError } from '../../src/report/text.js';

describe('a number with its standard error', () => {
  it('is rounded to the error’s first two significant digits', () => {
    expect(withError(0.0794424, 0.0149936)).toBe('0.079 ± 0.015');
    expect(withError(79.4424, 14.9936)).toBe('79 ± 15');
    expect(withError(1.452, 0.092)).toBe('1.452 ± 0.092');
    expect(withError(0.4779818, 0.0667339)).toBe('0.478 ± 0.067');
  });

  it('shows a value far inside its error as 0 at that precision, without a sign', () => {
    expect(withError(1.321e-10, 0.041)).toBe('0.000 ± 0.041');
    expect(withError(-1.321e-10, 0.041)).toBe('0.000 ± 0.041');
    expect(withError(-0.02, 0.041)).toBe('-0.020 ± 0.041');
  });

  it('uses exponents only when both are tiny or huge, and no ± without an error', () => {
    expect(withError(1.2e-6, 3e-7)).toBe('1.200e-6 ± 3.0e-7');
    expect(withError(0.5, null)).toBe('0.5');
  });
});
