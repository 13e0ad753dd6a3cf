import { describe, expect, it } from 'vitest';
import { type Baseline, baselineOf, readBaseline } from '../../../../scripts/bench/baseline.js';
import { bundleTotals } from '../../../../scripts/bench/report.js';
import { summarize } from '../../../../scripts/shared/stats.js';

const summary = (median: number) => summarize([median]);

const baseline: Baseline = {
  label: 'with the X-Ray SDK',
  commit: 'abc1234',
  date: '2026-12-03T14:38:51.275Z',
  bundles: [
    { functions: ['A/Fn', 'B/Fn'], bytes: 400 * 1024, coldInitMs: { median: 100 } },
    { functions: ['C/Fn'], bytes: 800 * 1024, coldInitMs: { median: 130 } },
  ],
};

describe('the bench baseline', () => {
  it('finds a bundle of the earlier run by any of its functions, though the bundles were regrouped', () => {
    expect(baselineOf(baseline, ['B/Fn', 'D/Fn'])).toEqual({ bytes: 400 * 1024, coldInitMedianMs: 100 });
    expect(baselineOf(baseline, ['D/Fn'])).toBeUndefined();
    expect(baselineOf(undefined, ['A/Fn'])).toBeUndefined();
  });

  it('sums up the sizes and cold-init medians now and before', () => {
    const text = bundleTotals({
      bundles: [
        { functions: ['A/Fn'], bytes: 290 * 1024, coldInitMs: summary(50) },
        { functions: ['C/Fn'], bytes: 600 * 1024, coldInitMs: summary(70) },
        { functions: ['B/Fn'], bytes: 300 * 1024, coldInitMs: summary(55) },
      ],
      baseline,
    });

    expect(text).toContain('Bundles 290.0 KiB–600.0 KiB');
    expect(text).toContain('median of the medians 55 ms');
    expect(text).toContain('before: bundles 400.0 KiB–800.0 KiB');
    expect(text).toMatch(/before: .*median of the medians 115 ms/);
  });

  it('reads the committed baseline: every bundle of that run with its size and cold-init median', () => {
    const committed = readBaseline();

    expect(committed?.bundles.length).toBeGreaterThan(0);
    for (const b of committed?.bundles ?? []) {
      expect(b.functions.length).toBeGreaterThan(0);
      expect(b.bytes).toBeGreaterThan(0);
      expect(b.coldInitMs.median).toBeGreaterThan(0);
    }
  });
});
