import { describe, expect, it } from 'vitest';
import { median, percentile, ratio, summarize } from '../../../../scripts/shared/stats.js';

describe('percentile', () => {
  it('interpolates between the two nearest ranks', () => {
    // rank of p90 in 5 samples = 0.9 x 4 = 3.6: 40 + 0.6 x (50 - 40)
    expect(percentile([10, 20, 30, 40, 50], 90)).toBeCloseTo(46);
  });

  it('is the sample itself when the rank is whole', () => {
    expect(percentile([10, 20, 30, 40, 50], 25)).toBe(20);
  });

  it('is the only sample for any p when there is one', () => {
    expect(percentile([7], 99)).toBe(7);
  });

  it('refuses an empty sample', () => {
    expect(() => percentile([], 50)).toThrow(/no samples/);
  });

  it('refuses a p outside 0-100', () => {
    expect(() => percentile([1, 2], 101)).toThrow(/0-100/);
  });
});

describe('median', () => {
  it('averages the middle two of an even count, whatever the input order', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('summarize', () => {
  it('reports the extremes and the mean of unsorted samples', () => {
    const s = summarize([3, 1, 2, 10]);
    expect([s.n, s.min, s.max, s.mean]).toEqual([4, 1, 10, 4]);
  });

  it('puts p99 near the top of a long tail', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(summarize(values).p99).toBeCloseTo(99.01);
  });
});

describe('ratio', () => {
  it('divides', () => {
    expect(ratio(3, 2)).toBe(1.5);
  });

  it('is undefined for a zero denominator', () => {
    expect(ratio(3, 0)).toBeUndefined();
  });
});
