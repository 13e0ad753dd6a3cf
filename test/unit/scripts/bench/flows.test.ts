import { describe, expect, it } from 'vitest';
import { burstResult, pacedResult } from '../../../../scripts/bench/flows.js';

describe('pacedResult', () => {
  it('measures each message from its own send time and counts the ones without an effect', () => {
    const result = pacedResult(3, 100, [1000, 1100, 1200], [1050, undefined, 1230]);
    expect(result.missing).toBe(1);
    expect([result.latencyMs?.min, result.latencyMs?.max]).toEqual([30, 50]);
  });
});

describe('burstResult', () => {
  // 10 messages from t = 0: nine done within 1 s, one after a 35 s visibility timeout.
  const effects = [100, 200, 300, 400, 500, 600, 700, 800, 900, 36_000];

  it('divides the messages done by the time to the last effect', () => {
    const result = burstResult(10, 0, effects);
    expect([result.seconds, result.perSecond]).toEqual([36, 10 / 36]);
  });

  it('says when 90% of the messages were done, apart from the tail', () => {
    expect(burstResult(10, 0, effects).secondsTo90Percent).toBe(0.9);
  });

  it('has no 90% time when fewer than 90% were done', () => {
    expect(burstResult(10, 0, [100, 200]).secondsTo90Percent).toBeUndefined();
  });
});
