import { BILLING, LAMBDA_GB_SECOND, PRICES, SFN_EXPRESS_GB_HOUR, type Tier } from './prices.js';

/** Seconds in the 30-day month the model bills. */
export const SECONDS_PER_MONTH = 30 * 24 * 3600;

/**
 * Hours a monthly fee charged by the hour bills (MSK cluster- and partition-hours, event poller
 * units, endpoint-hours): AWS's average month of 730 hours (8,760 a year / 12), whatever the
 * traffic; the traffic itself is that of the 30-day month above.
 */
export const HOURS_PER_MONTH = 730;

/** Billed requests (or events) for one payload: each started 64 KB counts once. */
export function payloadChunks(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / BILLING.payloadChunkBytes));
}

/** The cost of `units` under volume tiers (each tier's `upTo` is cumulative). */
export function tieredCost(units: number, tiers: readonly Tier[]): number {
  let cost = 0;
  let below = 0;
  for (const tier of tiers) {
    if (units <= below) break;
    cost += (Math.min(units, tier.upTo) - below) * tier.usd;
    below = tier.upTo;
  }
  return cost;
}

/** GB-seconds of `invocations` that each run `durationMs` with `memoryMb` (billed per 1 ms). */
export function lambdaGbSeconds(invocations: number, durationMs: number, memoryMb: number): number {
  const billedMs = Math.ceil(durationMs / BILLING.lambdaDurationMs) * BILLING.lambdaDurationMs;
  return invocations * (billedMs / 1000) * (memoryMb / 1024);
}

/** Lambda requests plus compute at the architecture's tiered GB-second price. */
export function lambdaCost(
  invocations: number,
  gbSeconds: number,
  architecture: 'arm64' | 'x86_64',
): { requests: number; compute: number } {
  return {
    requests: invocations * PRICES.lambdaRequest.usd,
    compute: tieredCost(gbSeconds, LAMBDA_GB_SECOND[architecture]),
  };
}

/** Express executions: requests plus duration, rounded up to 100 ms and 64 MB chunks. */
export function expressCost(
  executions: number,
  durationMs: number,
  memoryMb: number,
): { billedMs: number; billedMb: number; gbHours: number; requests: number; duration: number } {
  const billedMs = Math.ceil(durationMs / BILLING.expressDurationMs) * BILLING.expressDurationMs;
  const billedMb = Math.max(1, Math.ceil(memoryMb / BILLING.expressMemoryMb)) * BILLING.expressMemoryMb;
  const gbHours = (executions * (billedMs / 1000) * (billedMb / 1024)) / 3600;
  return {
    billedMs,
    billedMb,
    gbHours,
    requests: executions * PRICES.sfnExpressRequest.usd,
    duration: tieredCost(gbHours, SFN_EXPRESS_GB_HOUR),
  };
}

export interface BatchingInput {
  /** Messages the queue receives in the month. */
  readonly messages: number;
  readonly batchSize: number;
  /** The mapping's maximum batching window; 0 invokes as soon as a receive returns. */
  readonly windowSeconds: number;
  /** How long a receive gathers messages without a window (one long-poll round trip). */
  readonly unbatchedGatherSeconds: number;
}

export interface Batching {
  /** Average records per invocation. */
  readonly perInvocation: number;
  readonly invocations: number;
  /** ReceiveMessage calls (at most 10 messages each) that returned messages. */
  readonly receives: number;
  /** DeleteMessageBatch calls (at most 10 entries each). */
  readonly deletes: number;
}

/**
 * How an SQS event source mapping batches at the month's average arrival rate: a poller hands
 * the function what arrived while it gathered (the batching window, or one receive without
 * one), at least one record and at most batchSize. So batching only pays once the rate times
 * the window exceeds one message.
 */
export function batching(input: BatchingInput): Batching {
  if (input.messages <= 0) return { perInvocation: 0, invocations: 0, receives: 0, deletes: 0 };
  const rate = input.messages / SECONDS_PER_MONTH;
  const gather = input.windowSeconds > 0 ? input.windowSeconds : input.unbatchedGatherSeconds;
  const perInvocation = Math.min(input.batchSize, Math.max(1, rate * gather));
  const invocations = input.messages / perInvocation;
  const callsPerInvocation = Math.ceil(perInvocation / 10);
  return {
    perInvocation,
    invocations,
    receives: invocations * callsPerInvocation,
    deletes: invocations * callsPerInvocation,
  };
}

/** Empty long polls of an idle mapping's pollers in a month, less the receives that found messages. */
export function idleReceives(pollers: number, waitSeconds: number, busyReceives: number): number {
  return Math.max(0, (pollers * SECONDS_PER_MONTH) / waitSeconds - busyReceives);
}

/**
 * Traces X-Ray records under the default sampling rule (the first request each second, then a
 * share of the rest) for requests arriving evenly at `perSecond`.
 */
export function sampledPerSecond(perSecond: number, reservoirPerSecond: number, rate: number): number {
  return Math.min(perSecond, reservoirPerSecond) + rate * Math.max(0, perSecond - reservoirPerSecond);
}
