import { afterEach, describe, expect, it, vi } from 'vitest';
import { faultPlanFromContext } from '../../../lib/shared/fault-injection.js';

/** lambdas/shared/faults reads its settings once, at load: load it afresh under `settings`. */
async function injectorWith(settings: Record<string, unknown>) {
  vi.resetModules();
  vi.stubEnv('FAULT_INJECTION', JSON.stringify(settings));
  return (await import('../../../lambdas/shared/faults.js')).injectFault;
}

/** Which of a key's first `calls` calls failed (1-based). */
async function failedCalls(
  inject: (key: string, ms: () => number) => Promise<void>,
  key: string,
  calls: number,
) {
  const failed: number[] = [];
  for (let call = 1; call <= calls; call += 1) await inject(key, () => 1000).catch(() => failed.push(call));
  return failed;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('fault injection', () => {
  it('fails every call at rate 1', async () => {
    const inject = await injectorWith({ rate: 1, mode: 'error', seed: 1 });
    expect(await failedCalls(inject, 'batch-1', 3)).toEqual([1, 2, 3]);
  });

  it('with call, fails only that call of each key: a relay batch stops after its first record', async () => {
    const inject = await injectorWith({ rate: 1, mode: 'error', seed: 1, call: 2 });
    expect(await failedCalls(inject, 'batch-1', 4)).toEqual([2]);
    expect(await failedCalls(inject, 'batch-2', 2)).toEqual([2]);
  });

  it('refuses a call that is not a whole number from 1 in the faults context', () => {
    const plan = (call: unknown) => ({ seed: 1, targets: { OutboxRelay: { rate: 1, mode: 'error', call } } });
    expect(() => faultPlanFromContext(plan(0))).toThrow(
      'faults: OutboxRelay.call must be a whole number from 1.',
    );
    expect(() => faultPlanFromContext(plan(1.5))).toThrow('OutboxRelay.call');
    expect(faultPlanFromContext(plan(2))?.targets.OutboxRelay?.call).toBe(2);
  });
});
