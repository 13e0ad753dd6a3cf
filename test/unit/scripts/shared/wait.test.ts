import { describe, expect, it } from 'vitest';
import { settled } from '../../../../scripts/shared/wait.js';

/** A fake app whose queues report the given depths, one snapshot per check. */
function app(snapshots: Array<Array<{ visible: number; inFlight: number }>>) {
  let check = 0;
  return {
    checks: () => check,
    consumerQueueUrls: () => ['a', 'b'],
    depth: async (url: string) => {
      const snapshot = snapshots[Math.min(Math.floor(check / 2), snapshots.length - 1)] ?? [];
      check += 1;
      return snapshot[url === 'a' ? 0 : 1] ?? { visible: 0, inFlight: 0 };
    },
  };
}

describe('settled', () => {
  it('waits for two empty checks in a row, not one', async () => {
    const empty = [
      { visible: 0, inFlight: 0 },
      { visible: 0, inFlight: 0 },
    ];
    const busy = [
      { visible: 0, inFlight: 1 },
      { visible: 0, inFlight: 0 },
    ];
    const fake = app([empty, busy, empty, empty]);
    await settled(fake, { timeoutMs: 5_000, intervalMs: 1 });
    expect(fake.checks()).toBe(8); // four rounds of two queues: the busy round resets the count
  });

  it('times out naming what it waited for when a queue never drains', async () => {
    const fake = app([[{ visible: 3, inFlight: 0 }]]);
    await expect(settled(fake, { timeoutMs: 50, intervalMs: 5 })).rejects.toThrow(
      /timed out after 0.05 s waiting for every consumer queue to drain/,
    );
  });
});
