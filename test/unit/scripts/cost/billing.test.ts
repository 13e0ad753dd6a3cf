import { describe, expect, it } from 'vitest';
import {
  batching,
  expressCost,
  idleReceives,
  lambdaCost,
  lambdaGbSeconds,
  payloadChunks,
  SECONDS_PER_MONTH,
  sampledPerSecond,
  tieredCost,
} from '../../../../scripts/cost/billing.js';
import { LAMBDA_GB_SECOND, SFN_EXPRESS_GB_HOUR } from '../../../../scripts/cost/prices.js';

describe('cost arithmetic', () => {
  it('bills 1M invocations of 120 ms at 256 MB on arm64 as 30,000 GB-s: $0.400002 + $0.20 of requests', () => {
    const gbSeconds = lambdaGbSeconds(1_000_000, 120, 256);
    const cost = lambdaCost(1_000_000, gbSeconds, 'arm64');
    expect(gbSeconds).toBe(30_000);
    expect(cost.compute).toBeCloseTo(0.400002, 9);
    expect(cost.requests).toBeCloseTo(0.2, 9);
  });

  it('bills the same GB-seconds on x86_64 at $0.0000166667: $0.500001', () => {
    expect(lambdaCost(0, 30_000, 'x86_64').compute).toBeCloseTo(0.500001, 9);
  });

  it('rounds Lambda duration up to the next millisecond', () => {
    expect(lambdaGbSeconds(1000, 99.2, 1024)).toBe(100);
  });

  it('prices GB-seconds past the first arm64 tier at the next tier', () => {
    // 7.5 B GB-s at $0.0000133334 + 0.5 B at $0.0000120001.
    expect(tieredCost(8e9, LAMBDA_GB_SECOND.arm64)).toBeCloseTo(100_000.5 + 6_000.05, 4);
  });

  it('counts each started 64 KB of payload as one request', () => {
    expect([0, 1, 65_536, 65_537, 256 * 1024].map(payloadChunks)).toEqual([1, 1, 1, 2, 4]);
  });

  it('rounds an Express execution of 405 ms up to 500 ms and bills 64 MB: 1M runs = $1 + 8.68 GB-hours at $0.06', () => {
    const e = expressCost(1_000_000, 405, 64);
    expect(e.billedMs).toBe(500);
    expect(e.billedMb).toBe(64);
    expect(e.gbHours).toBeCloseTo(31_250 / 3600, 9);
    expect(e.requests).toBeCloseTo(1, 9);
    expect(e.duration).toBeCloseTo((31_250 / 3600) * 0.06, 9);
  });

  it('keeps an Express duration that is a multiple of 100 ms, and bills 65 MB as 128 MB', () => {
    expect(expressCost(1, 400, 64).billedMs).toBe(400);
    expect(expressCost(1, 400, 65).billedMb).toBe(128);
  });

  it('prices Express GB-hours past 1,000 at the second tier', () => {
    expect(tieredCost(2000, SFN_EXPRESS_GB_HOUR)).toBeCloseTo(1000 * 0.06 + 1000 * 0.03, 9);
  });

  it('invokes once per message when the rate times the window is under one message', () => {
    const b = batching({
      messages: 1_000_000,
      batchSize: 100,
      windowSeconds: 2,
      unbatchedGatherSeconds: 0.05,
    });
    expect(b.perInvocation).toBe(1);
    expect(b.invocations).toBe(1_000_000);
    expect(b.receives).toBe(1_000_000);
  });

  it('gathers rate x window records per invocation: 1 message/s with a 2 s window makes batches of 2', () => {
    const b = batching({
      messages: SECONDS_PER_MONTH,
      batchSize: 100,
      windowSeconds: 2,
      unbatchedGatherSeconds: 0,
    });
    expect(b.perInvocation).toBe(2);
    expect(b.invocations).toBe(SECONDS_PER_MONTH / 2);
  });

  it('caps a batch at batchSize and needs one receive and one delete call per 10 records', () => {
    const messages = SECONDS_PER_MONTH * 1000; // 1,000 a second
    const b = batching({ messages, batchSize: 100, windowSeconds: 2, unbatchedGatherSeconds: 0 });
    expect(b.perInvocation).toBe(100);
    expect(b.invocations).toBe(messages / 100);
    expect(b.receives).toBe((messages / 100) * 10);
    expect(b.deletes).toBe(b.receives);
  });

  it('counts an idle mapping’s long polls: 5 pollers every 20 s for 30 days = 648,000, less busy receives', () => {
    expect(idleReceives(5, 20, 0)).toBe(648_000);
    expect(idleReceives(5, 20, 48_000)).toBe(600_000);
    expect(idleReceives(5, 20, 1e9)).toBe(0);
  });

  it('samples the first request each second and 5% of the rest', () => {
    expect(sampledPerSecond(0.5, 1, 0.05)).toBe(0.5);
    expect(sampledPerSecond(11, 1, 0.05)).toBeCloseTo(1.5, 12);
  });
});
