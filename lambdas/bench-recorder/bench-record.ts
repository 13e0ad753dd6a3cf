import type { OrderOutcome } from '../../contracts/events/order-outcome.js';

/**
 * What the benchmark consumer writes, so that `npm run bench` can read latency and batching
 * off the table instead of polling for each message:
 *
 *   EFFECT#<variant>       <orderId>#<eventId>       one event's side effect, with its time
 *   INVOCATION#<variant>   <startedAt ISO>#<requestId>   one invocation: records, duration
 *
 * Sort keys start with what the benchmark selects by: its run's order ids, a time window.
 */
export const benchKeys = {
  effect: (variant: string) => `EFFECT#${variant}`,
  invocation: (variant: string) => `INVOCATION#${variant}`,
} as const;

export interface EffectItem {
  readonly pk: string;
  readonly sk: string;
  readonly orderId: string;
  /** Epoch milliseconds when the consumer wrote the effect. */
  readonly recordedAt: number;
}

export interface InvocationItem {
  readonly pk: string;
  readonly sk: string;
  readonly records: number;
  /** Epoch milliseconds when the invocation started. */
  readonly startedAt: number;
  readonly durationMs: number;
}

/** Port: where the benchmark consumer's items go. */
export interface BenchStore {
  put(item: EffectItem | InvocationItem): Promise<void>;
}

export async function recordEffect(
  event: OrderOutcome,
  variant: string,
  store: BenchStore,
  now: () => number = Date.now,
): Promise<EffectItem> {
  const item: EffectItem = {
    pk: benchKeys.effect(variant),
    sk: `${event.detail.data.orderId}#${event.detail.metadata.eventId}`,
    orderId: event.detail.data.orderId,
    recordedAt: now(),
  };
  await store.put(item);
  return item;
}

export function invocationItem(
  variant: string,
  requestId: string,
  records: number,
  startedAt: number,
  endedAt: number,
): InvocationItem {
  return {
    pk: benchKeys.invocation(variant),
    sk: `${new Date(startedAt).toISOString()}#${requestId}`,
    records,
    startedAt,
    durationMs: endedAt - startedAt,
  };
}
