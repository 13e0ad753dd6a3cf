import { createHash } from 'node:crypto';
import { outboxDetailTypes } from '../../contracts/domain/outbox.js';
import { ORDER_PLACED_DETAIL_TYPE } from '../../contracts/events/order-placed.js';
import { ORDERS_SOURCE } from '../../contracts/events/sources.js';
import { ORDER_SAGA_OUTCOMES } from '../../contracts/saga-state.js';
import { placeOrder } from '../../contracts/samples.js';
import { executionName } from '../../lambdas/saga-starter/start-saga.js';
import { FAILURE_REASON_ATTRIBUTE } from '../../lambdas/shared/dead-letter.js';
import { sagaEnd } from '../saga/saga.js';
import { type AppClient, QUEUE_NAMES } from '../shared/app-client.js';
import { progress } from '../shared/progress.js';
import { settled, waitFor } from '../shared/wait.js';

export interface ChaosOptions {
  readonly orders: number;
  readonly faultRate: number;
  readonly duplicateRate: number;
  readonly malformedRate: number;
  readonly seed: number;
  /** Orders placed per second; the emulator runs every Lambda worker on this machine's cores. */
  readonly rate: number;
}

/** The functions a chaos run makes fail: every saga action, the outbox relay and every notification consumer. */
export const CHAOS_TARGETS = [
  'ReserveStock',
  'AuthorizePayment',
  'CreateShipment',
  'ConfirmOrder',
  'CancelOrder',
  'OutboxRelay',
  'SagaStarter',
  'EmailNotifier',
  'LoyaltyPoints',
  'AnalyticsRecorder',
] as const;

/** The `faults` CDK context of a chaos deployment. */
export function chaosFaults(options: ChaosOptions): string {
  // The relay's fault key is its batch, so `call: 2` crashes that share of batches right after
  // their first record went out (a fault per record would fail nearly every batch of ten).
  const targets = Object.fromEntries(
    CHAOS_TARGETS.map((t) => [
      t,
      { rate: options.faultRate, mode: 'error', ...(t === 'OutboxRelay' ? { call: 2 } : {}) },
    ]),
  );
  return JSON.stringify({ seed: options.seed, targets });
}

/** A deterministic fraction in [0, 1) for (seed, label): the same seed plans the same run. */
function draw(seed: number, label: string): number {
  return createHash('sha256').update(`${seed}:${label}`).digest().readUInt32BE(0) / 0x1_0000_0000;
}

export interface PlannedOrder {
  readonly request: ReturnType<typeof placeOrder>;
  readonly duplicated: boolean;
}

export interface ChaosPlan {
  readonly run: string;
  readonly sku: string;
  readonly orders: PlannedOrder[];
  /** Order ids of the malformed OrderPlaced events (the starter must reject them). */
  readonly malformed: string[];
}

/** Orders with mixed paths (declined cards, unshippable addresses, flaky payments), some duplicated, some malformed. */
export function planChaos(options: ChaosOptions): ChaosPlan {
  const run = createHash('sha256').update(`${options.seed}:${Date.now()}`).digest('hex').slice(0, 6);
  const sku = `CHAOS-${run}`;
  const orders: PlannedOrder[] = [];
  const malformed: string[] = [];
  for (let i = 0; i < options.orders; i++) {
    const orderId = `chaos-${run}-${i}`;
    if (draw(options.seed, `malformed:${i}`) < options.malformedRate) {
      malformed.push(orderId);
      continue;
    }
    const path = draw(options.seed, `path:${i}`);
    const variant =
      path < 0.1
        ? { paymentToken: 'tok_declined' }
        : path < 0.2
          ? { shippingAddress: { country: 'AQ', postalCode: '9999' } }
          : path < 0.3
            ? { paymentToken: 'tok_flaky' }
            : {};
    const total = 20 + Math.floor(draw(options.seed, `total:${i}`) * 380);
    orders.push({
      request: placeOrder({ orderId, total, items: [{ sku, quantity: 1, unitPrice: total }], ...variant }),
      duplicated: draw(options.seed, `duplicate:${i}`) < options.duplicateRate,
    });
  }
  return { run, sku, orders, malformed };
}

export interface ChaosCounts {
  published: number;
  wellFormed: number;
  duplicates: number;
  malformed: number;
}

/** Publish the plan at `rate` orders a second: the orders, duplicates after them, malformed events raw. */
export async function publishChaos(app: AppClient, plan: ChaosPlan, rate: number): Promise<ChaosCounts> {
  const requests = plan.orders.map((o) => o.request);
  const duplicates = plan.orders.filter((o) => o.duplicated).map((o) => o.request);
  const all = [...requests, ...duplicates];
  const started = Date.now();
  for (let i = 0; i < all.length; i += 10) {
    await app.publisher.publish(all.slice(i, i + 10));
    // Pace by the clock, so slow publishes do not add to the interval.
    const due = started + ((i + 10) / rate) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    if ((i / 10) % 10 === 9) progress.info(`${Math.min(i + 10, all.length)} of ${all.length} published`);
  }
  for (const orderId of plan.malformed) {
    const data = { ...placeOrder({ orderId }).data, total: 'not a number' };
    await app.putRaw([
      {
        source: ORDERS_SOURCE,
        detailType: ORDER_PLACED_DETAIL_TYPE,
        detail: {
          metadata: {
            eventId: `${orderId}-evt`,
            eventVersion: '1',
            correlationId: orderId,
            causationId: orderId,
            occurredAt: new Date().toISOString(),
            idempotencyKey: `${orderId}:placed`,
          },
          data,
        },
      },
    ]);
  }
  return {
    published: requests.length + duplicates.length + plan.malformed.length,
    wellFormed: requests.length,
    duplicates: duplicates.length,
    malformed: plan.malformed.length,
  };
}

/** Wait until every well-formed order's saga ended; returns each order's outcome (see sagaEnd). */
export async function awaitTerminal(
  app: AppClient,
  plan: ChaosPlan,
  timeoutMs: number,
  skip: ReadonlySet<string> = new Set(),
): Promise<Map<string, string>> {
  const status = new Map<string, string>();
  const awaited = plan.orders.filter((o) => !skip.has(o.request.data.orderId));
  await waitFor(
    'every saga to end',
    async () => {
      const statuses = await app.executionStatuses();
      for (const o of awaited) {
        const id = o.request.data.orderId;
        const listed = statuses.get(executionName(id));
        if (status.has(id) || listed === undefined || listed === 'RUNNING') continue;
        // Only the ended ones are described, once each: the error is not in the listing.
        const execution = await app.execution(id);
        if (execution && execution.status !== 'RUNNING') status.set(id, sagaEnd(execution).outcome);
      }
      progress.info(`${status.size} of ${awaited.length} sagas ended`);
      return status.size === awaited.length ? true : undefined;
    },
    { timeoutMs, intervalMs: 3000 },
  );
  return status;
}

/**
 * Wait until nothing of the run is in flight: no saga of it running, and every consumer queue
 * and the saga intake empty (twice in a row). Orders whose start was dead-lettered have no saga
 * yet; the redrive after the faults are off starts them.
 */
export async function awaitSettled(app: AppClient, plan: ChaosPlan, timeoutMs: number): Promise<void> {
  await waitFor(
    'no saga of the run to be running',
    async () => {
      const statuses = await app.executionStatuses();
      let running = 0;
      let ended = 0;
      for (const o of plan.orders) {
        const listed = statuses.get(executionName(o.request.data.orderId));
        if (listed === 'RUNNING') running += 1;
        else if (listed) ended += 1;
      }
      progress.info(`${ended} of ${plan.orders.length} sagas ended, ${running} running`);
      return running === 0 ? true : undefined;
    },
    { timeoutMs, intervalMs: 3000 },
  );
  await settled(app, { timeoutMs, intervalMs: 2000 });
}

export interface Violation {
  readonly orderId: string;
  readonly problem: string;
}

export interface DeadLetterTally {
  /** Messages of this run with a failure reason (rejected as malformed). */
  readonly rejected: Map<string, string>;
  /** Messages of this run without one (retries exhausted). */
  readonly exhausted: string[];
}

/** What this run left in the app's dead-letter queues. */
export async function tallyDeadLetters(app: AppClient, plan: ChaosPlan): Promise<DeadLetterTally> {
  const rejected = new Map<string, string>();
  const exhausted: string[] = [];
  const urls = [...QUEUE_NAMES.map((q) => app.dlqUrl(q)), app.sagaOutput('SagaIntakeDlqUrl')];
  for (const url of urls) {
    for (const m of await app.scan(url)) {
      const orderId = /chaos-[0-9a-f]{6}-\d+/.exec(m.Body ?? '')?.[0];
      if (!orderId?.startsWith(`chaos-${plan.run}-`)) continue;
      const reason = m.MessageAttributes?.[FAILURE_REASON_ATTRIBUTE]?.StringValue;
      if (reason) rejected.set(orderId, reason);
      else exhausted.push(orderId);
    }
  }
  return { rejected, exhausted };
}

/** Check every invariant; an empty list means nothing was lost, doubled or left half-done. */
export async function checkInvariants(
  app: AppClient,
  plan: ChaosPlan,
  status: Map<string, string>,
  deadLetters: DeadLetterTally,
): Promise<Violation[]> {
  const violations: Violation[] = [];
  let confirmedUnits = 0;
  for (const { request } of plan.orders) {
    const { orderId, total, channel } = request.data;
    const end = status.get(orderId);
    // A cancellation is a business outcome and ends SUCCEEDED; anything else needs a person.
    const confirmed = end === ORDER_SAGA_OUTCOMES.completed;
    if (!confirmed && end !== ORDER_SAGA_OUTCOMES.compensated)
      violations.push({ orderId, problem: `saga ended ${end}` });
    const state = await app.fulfilment(orderId);
    if (confirmed) {
      confirmedUnits += 1;
      if (state.ORDER !== 'CONFIRMED' || state.PAYMENT !== 'AUTHORIZED' || state.SHIPMENT !== 'CREATED') {
        violations.push({ orderId, problem: `confirmed but ${JSON.stringify(state)}` });
      }
    } else if (
      state.ORDER === 'CONFIRMED' ||
      state.PAYMENT === 'AUTHORIZED' ||
      state.SHIPMENT === 'CREATED' ||
      state.RESERVATION === 'RESERVED'
    ) {
      violations.push({ orderId, problem: `cancelled but ${JSON.stringify(state)}` });
    }
    // The outbox: exactly one outcome event per terminal order, the one the saga ended with,
    // and the order's events fold to that same outcome.
    const events = await app.eventStore().history(orderId);
    const outcomes = events
      .flatMap((e) => outboxDetailTypes(e.outbox))
      .filter((t) => t === 'OrderConfirmed' || t === 'OrderCancelled');
    const wanted = confirmed ? 'OrderConfirmed' : 'OrderCancelled';
    if (outcomes.length !== 1 || outcomes[0] !== wanted)
      violations.push({
        orderId,
        problem: `outbox outcomes ${JSON.stringify(outcomes)}, expected one ${wanted}`,
      });
    const folded = (await app.orderEvents(orderId)).state.outcome?.status;
    if (folded !== (confirmed ? 'CONFIRMED' : 'CANCELLED'))
      violations.push({ orderId, problem: `the saga ended ${end} but the order's events fold to ${folded}` });
    const effects = await app.effectCounts(orderId);
    const expected = {
      EMAIL: channel === 'test' ? 0 : 1,
      LOYALTY: confirmed && total >= 100 ? 1 : 0,
      ANALYTICS: 1,
    };
    for (const [kind, count] of Object.entries(expected)) {
      const got = effects[kind as keyof typeof effects];
      if (got !== count)
        violations.push({ orderId, problem: `${kind} happened ${got} times, expected ${count}` });
    }
  }
  const stock = await app.stock(plan.sku);
  if (stock && (stock.reserved !== confirmedUnits || stock.available !== 1000 - confirmedUnits)) {
    violations.push({
      orderId: plan.sku,
      problem: `stock ${JSON.stringify(stock)} for ${confirmedUnits} confirmed units`,
    });
  }
  for (const orderId of plan.malformed) {
    if (!deadLetters.rejected.has(orderId))
      violations.push({ orderId, problem: 'malformed event is not in a DLQ with a reason' });
    if (await app.execution(orderId)) violations.push({ orderId, problem: 'malformed event started a saga' });
  }
  for (const orderId of deadLetters.exhausted) {
    violations.push({
      orderId,
      problem: 'still dead-lettered after faults were turned off and DLQs redriven',
    });
  }
  return violations;
}
