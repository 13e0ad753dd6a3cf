/**
 * The shape of one order's trace: what `npm run trace` prints (and gives as `--json`) and what
 * the console draws. The collectors fill it from the structured logs, the saga's history and
 * the stores; nothing here knows where a hop came from.
 */

/** Which part of the system a hop happened in. */
export type HopKind =
  | 'bus-put'
  | 'rule-delivery'
  | 'topic-delivery'
  | 'queue-receive'
  | 'consumer'
  | 'dead-letter'
  | 'saga-step'
  | 'compensation'
  | 'store-append'
  | 'outbox-relay'
  | 'kafka-append'
  | 'kafka-consume';

/** How the hop ended. */
export type HopOutcome = 'ok' | 'retried' | 'failed' | 'dead-lettered' | 'compensated' | 'skipped';

export interface TraceHop {
  /** ISO 8601 time at which the hop happened (or started). */
  readonly at: string;
  readonly kind: HopKind;
  /** The resource it happened at: a rule, queue, function, saga state, topic-partition, group. */
  readonly where: string;
  /** One line for a person, e.g. `OrderPlaced matched rule HighValueOrders`. */
  readonly summary: string;
  readonly outcome: HopOutcome;
  /** Milliseconds since the hop before it in the trace (absent for the first hop). */
  readonly latencyMs?: number;
  /** The event the hop is about, when it is about one. */
  readonly eventId?: string;
  readonly detailType?: string;
  /** Extra facts: attempt number, reason, partition, offset, group, execution ARN... */
  readonly details?: Readonly<Record<string, string | number>>;
}

export interface OrderTrace {
  /** The id asked for: an orderId or a correlationId. */
  readonly id: string;
  readonly orderId: string;
  readonly correlationIds: readonly string[];
  /** Hops in time order. */
  readonly hops: readonly TraceHop[];
  /** From the first hop to the last, in milliseconds. */
  readonly totalMs: number;
  /** Where the hops were read from, e.g. `emulator` or `aws`. */
  readonly source: 'emulator' | 'aws';
}
