import { describe, expect, it } from 'vitest';
import { faultPlanFromContext } from '../../../../lib/shared/fault-injection.js';
import { CHAOS_TARGETS, chaosFaults } from '../../../../scripts/chaos/chaos.js';

describe("the chaos run's faults", () => {
  const plan = faultPlanFromContext(
    chaosFaults({ orders: 10, faultRate: 0.1, duplicateRate: 0, malformedRate: 0, seed: 7, rate: 1 }),
  );

  it("targets every chaos function at the run's rate, with the run's seed", () => {
    expect(plan?.seed).toBe(7);
    expect(Object.keys(plan?.targets ?? {}).sort()).toEqual([...CHAOS_TARGETS].sort());
    for (const target of CHAOS_TARGETS)
      expect(plan?.targets[target]).toMatchObject({ rate: 0.1, mode: 'error' });
  });

  it('crashes relay batches after their first record, and nothing else by call', () => {
    expect(plan?.targets.OutboxRelay?.call).toBe(2);
    const others = CHAOS_TARGETS.filter((t) => t !== 'OutboxRelay');
    for (const target of others) expect(plan?.targets[target]?.call).toBeUndefined();
  });
});
