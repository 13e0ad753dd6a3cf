import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { OrderPlacedContract, OrderStatusChangedContract } from '../../../contracts/events/catalog.js';
import { ID_MAX_BYTES } from '../../../contracts/events/envelope.js';
import type { OrderPlacedDataSchema } from '../../../contracts/events/order-placed.js';
import {
  EventPublisher,
  InvalidEventError,
  MAX_ENTRY_BYTES,
  PublishError,
  type PublisherOptions,
  type PublishRequest,
} from '../../../lambdas/shared/publisher.js';
import {
  accepted,
  busEventId,
  detailOf,
  FakeEventBridge,
  keysOf,
  metadataOf,
  type PutEventsResponder,
  rejected,
} from '../support/event-bridge.js';

const BUS = 'OrdersBus';
const NOW = new Date('2026-08-14T09:21:46.123Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type OrderPlacedInput = z.input<typeof OrderPlacedDataSchema>;

function orderPlacedData(overrides: Partial<OrderPlacedInput> = {}): OrderPlacedInput {
  return {
    orderId: 'ord-1',
    customerId: 'cust-1',
    customerEmail: 'ada@example.com',
    customerTier: 'regular',
    channel: 'web',
    currency: 'EUR',
    total: 39.98,
    items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 19.99 }],
    shippingAddress: { country: 'DE', postalCode: '10115' },
    ...overrides,
  };
}

/** An OrderPlaced request for order `ord-<n>`, its idempotency key `ord-<n>:placed`. */
function placed(
  n: number,
  overrides: Partial<OrderPlacedInput> = {},
): PublishRequest<typeof OrderPlacedDataSchema> {
  return {
    contract: OrderPlacedContract,
    data: orderPlacedData({ orderId: `ord-${n}`, ...overrides }),
    idempotencyKey: `ord-${n}:placed`,
  };
}

function placedMany(count: number): PublishRequest<typeof OrderPlacedDataSchema>[] {
  return Array.from({ length: count }, (_, i) => placed(i + 1));
}

/**
 * A publisher on a fake bus. Sleeping records the delay and resolves at once; `random` is 0.5 and
 * `now` is fixed unless the options say otherwise.
 */
function setup(respond?: PutEventsResponder, options: Partial<PublisherOptions> = {}) {
  const bus = new FakeEventBridge(respond);
  const delays: number[] = [];
  const publisher = new EventPublisher(bus.asClient(), {
    busName: BUS,
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    now: () => NOW,
    ...options,
  });
  return { bus, publisher, delays };
}

/** The one entry sent in the one PutEvents call. */
function onlyEntry(bus: FakeEventBridge): PutEventsRequestEntry {
  expect(bus.calls).toHaveLength(1);
  const entry = bus.calls[0]?.[0];
  if (!entry) throw new Error('nothing was sent');
  return entry;
}

/** Rejects the entries at `indexes` (0-based) of the first call; accepts everything else. */
function failOnFirstCall(indexes: number[], errorCode = 'ThrottlingException'): PutEventsResponder {
  return (entries, call) =>
    entries.map((entry, j) => (call === 1 && indexes.includes(j) ? rejected(errorCode) : accepted(entry)));
}

const rejectAll =
  (errorCode = 'ThrottlingException', errorMessage = 'Rate exceeded'): PutEventsResponder =>
  (entries) =>
    entries.map(() => rejected(errorCode, errorMessage));

async function publishError(promise: Promise<unknown>): Promise<PublishError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PublishError);
  if (!(error instanceof PublishError)) throw new Error('publish did not fail with a PublishError');
  return error;
}

/** The entry's size as EventBridge counts it (no Time, no Resources). */
function entryBytes(entry: PutEventsRequestEntry): number {
  return ['Source', 'DetailType', 'Detail'].reduce(
    (sum, key) => sum + Buffer.byteLength(String(entry[key as keyof PutEventsRequestEntry] ?? ''), 'utf8'),
    0,
  );
}

describe('EventPublisher: the envelope', () => {
  it('gives every event its own UUID as eventId', async () => {
    const { bus, publisher } = setup();
    await publisher.publish([placed(1), placed(2)]);
    const ids = bus.sent.map((entry) => metadataOf(entry).eventId);
    expect(ids).toEqual([expect.stringMatching(UUID), expect.stringMatching(UUID)]);
    expect(new Set(ids).size).toBe(2);
  });

  it('sets eventVersion to the contract’s version', async () => {
    const { bus, publisher } = setup();
    await publisher.publish([placed(1)]);
    expect(metadataOf(onlyEntry(bus)).eventVersion).toBe(OrderPlacedContract.version);
  });

  it('takes occurredAt from the injected clock, as ISO 8601', async () => {
    const { bus, publisher } = setup();
    await publisher.publish([placed(1)]);
    expect(metadataOf(onlyEntry(bus)).occurredAt).toBe('2026-08-14T09:21:46.123Z');
  });

  it('passes the idempotency key through unchanged', async () => {
    const { bus, publisher } = setup();
    await publisher.publish([{ ...placed(1), idempotencyKey: 'ord-1:placed:attempt-independent' }]);
    expect(metadataOf(onlyEntry(bus)).idempotencyKey).toBe('ord-1:placed:attempt-independent');
  });

  it('starts a new flow without a cause: correlationId and causationId are the eventId', async () => {
    const { bus, publisher } = setup();
    await publisher.publish([placed(1)]);
    const metadata = metadataOf(onlyEntry(bus));
    expect(metadata).toMatchObject({ correlationId: metadata.eventId, causationId: metadata.eventId });
  });

  it('follows a cause: correlationId from the cause, causationId is the cause’s eventId', async () => {
    const { bus, publisher } = setup();
    await publisher.publish([{ ...placed(1), cause: { eventId: 'evt-cause', correlationId: 'corr-flow' } }]);
    const metadata = metadataOf(onlyEntry(bus));
    expect(metadata).toMatchObject({ correlationId: 'corr-flow', causationId: 'evt-cause' });
    expect(metadata.eventId).not.toBe('evt-cause');
  });

  it('puts the contract’s source and detail-type and the configured bus on the entry', async () => {
    const { bus, publisher } = setup();
    await publisher.publish([placed(1)]);
    expect(onlyEntry(bus)).toMatchObject({
      EventBusName: BUS,
      Source: 'com.example.orders',
      DetailType: 'OrderPlaced',
    });
  });

  it('sends as Detail the JSON of { metadata, data } and nothing else', async () => {
    const { bus, publisher } = setup();
    const request = placed(1, { couponCode: 'SUMMER' });
    await publisher.publish([request]);
    const detail = detailOf(onlyEntry(bus));
    expect(Object.keys(detail).sort()).toEqual(['data', 'metadata']);
    expect(detail.data).toEqual(request.data);
    expect(Object.keys(detail.metadata).sort()).toEqual([
      'causationId',
      'correlationId',
      'eventId',
      'eventVersion',
      'idempotencyKey',
      'occurredAt',
    ]);
  });

  it('sends an event every consumer of the contract accepts', async () => {
    const { bus, publisher } = setup();
    await publisher.publish([placed(1)]);
    const entry = onlyEntry(bus);
    const event = { source: entry.Source, 'detail-type': entry.DetailType, detail: detailOf(entry) };
    expect(OrderPlacedContract.event.safeParse(event).success).toBe(true);
  });

  it('returns the eventId and detail-type it published', async () => {
    const { bus, publisher } = setup();
    const [result] = await publisher.publish([placed(1)]);
    expect(result).toMatchObject({ eventId: metadataOf(onlyEntry(bus)).eventId, detailType: 'OrderPlaced' });
  });

  // zod strips undeclared keys on parse: the published Detail must be the parsed event.
  it('does not publish a data field the contract does not declare', async () => {
    const { bus, publisher } = setup();
    const data = { ...orderPlacedData(), cardNumber: '4111111111111111' };
    await publisher
      .publish([{ contract: OrderPlacedContract, data, idempotencyKey: 'ord-1:placed' }])
      .catch(() => undefined);
    expect(bus.sent.filter((entry) => 'cardNumber' in detailOf(entry).data)).toEqual([]);
  });
});

describe('EventPublisher: validation before sending', () => {
  it('refuses invalid data with an InvalidEventError naming the failing path', async () => {
    const { publisher } = setup();
    await expect(publisher.publish([placed(1, { customerEmail: 'not-an-email' })])).rejects.toThrow(
      InvalidEventError,
    );
    await expect(publisher.publish([placed(1, { customerEmail: 'not-an-email' })])).rejects.toThrow(
      /OrderPlaced v1 is invalid: detail\.data\.customerEmail/,
    );
  });

  // An id past what the stores take would fail at the first DynamoDB write, far from its cause.
  it('refuses an orderId over ID_MAX_BYTES, saying so, and sends nothing', async () => {
    const { bus, publisher } = setup();
    const orderId = 'o'.repeat(ID_MAX_BYTES + 1);
    await expect(
      publisher.publish([{ ...placed(1, { orderId }), idempotencyKey: 'ord-long:placed' }]),
    ).rejects.toThrow(/detail\.data\.orderId: orderId must be at most 200 bytes in UTF-8/);
    expect(bus.calls).toEqual([]);
  });

  it('sends nothing when the data is invalid', async () => {
    const { bus, publisher } = setup();
    await publisher.publish([placed(1, { items: [] })]).catch(() => undefined);
    expect(bus.calls).toEqual([]);
  });

  it('sends nothing when only the 12th of 12 events is invalid: no half-published batch', async () => {
    const { bus, publisher } = setup();
    const requests = [...placedMany(11), placed(12, { currency: 'euro' })];
    await expect(publisher.publish(requests)).rejects.toThrow(/detail\.data\.currency/);
    expect(bus.calls).toEqual([]);
  });

  it('validates the metadata too: a cause with an empty correlationId is refused', async () => {
    const { bus, publisher } = setup();
    await expect(
      publisher.publish([{ ...placed(1), cause: { eventId: 'evt-cause', correlationId: '' } }]),
    ).rejects.toThrow(/detail\.metadata\.correlationId/);
    expect(bus.calls).toEqual([]);
  });

  it('refuses an idempotency key longer than 250 characters', async () => {
    const { publisher } = setup();
    await expect(publisher.publish([{ ...placed(1), idempotencyKey: 'k'.repeat(251) }])).rejects.toThrow(
      /detail\.metadata\.idempotencyKey/,
    );
  });

  it('validates each event against its own contract', async () => {
    const { bus, publisher } = setup();
    const statusChange = {
      contract: OrderStatusChangedContract,
      data: { orderId: 'ord-1', status: 'SHIPPED' as const, sequence: 0 },
      idempotencyKey: 'ord-1:status:0',
    };
    await expect(publisher.publish([placed(1), statusChange])).rejects.toThrow(
      /OrderStatusChanged v1 is invalid: detail\.data\.sequence/,
    );
    expect(bus.calls).toEqual([]);
  });
});

describe('EventPublisher: the 256 KB entry limit', () => {
  /** An OrderPlaced whose entry is exactly `bytes` long, padded through its channel. */
  function placedOfSize(publisher: EventPublisher, bytes: number) {
    const base = entryBytes(publisher.entry(placed(1, { channel: 'x' })).entry);
    return placed(1, { channel: `x${'y'.repeat(bytes - base)}` });
  }

  it('sends an entry of exactly 256 KB', async () => {
    const { bus, publisher } = setup();
    await publisher.publish([placedOfSize(publisher, MAX_ENTRY_BYTES)]);
    expect(entryBytes(onlyEntry(bus))).toBe(256 * 1024);
  });

  it('refuses an entry one byte over 256 KB, naming the limit and the claim-check pattern', async () => {
    const { publisher } = setup();
    const error = await publisher.publish([placedOfSize(publisher, MAX_ENTRY_BYTES + 1)]).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error.message).toMatch(/262145 bytes/);
    expect(error.message).toMatch(/at most 262144/);
    expect(error.message).toMatch(/claim check/);
  });

  it('sends nothing when one event of several is too large', async () => {
    const { bus, publisher } = setup();
    const tooLarge = placedOfSize(publisher, MAX_ENTRY_BYTES + 1);
    await expect(publisher.publish([placed(2), placed(3), tooLarge])).rejects.toThrow(InvalidEventError);
    expect(bus.calls).toEqual([]);
  });

  it('counts UTF-8 bytes, not characters', async () => {
    const { bus, publisher } = setup();
    // 140 000 characters (under the limit), 280 000 bytes (over it).
    await expect(publisher.publish([placed(1, { channel: 'é'.repeat(140_000) })])).rejects.toThrow(
      /claim check/,
    );
    expect(bus.calls).toEqual([]);
  });
});

describe('EventPublisher: batching', () => {
  it('sends 25 events in three PutEvents calls of 10, 10 and 5', async () => {
    const { bus, publisher } = setup();
    await publisher.publish(placedMany(25));
    expect(bus.calls.map((entries) => entries.length)).toEqual([10, 10, 5]);
  });

  it('keeps the request order across the batches', async () => {
    const { bus, publisher } = setup();
    await publisher.publish(placedMany(25));
    expect(keysOf(bus.sent)).toEqual(placedMany(25).map((r) => r.idempotencyKey));
  });

  it('returns one result per request, in request order', async () => {
    const { bus, publisher } = setup();
    const results = await publisher.publish(placedMany(25));
    expect(results.map((r) => r.eventId)).toEqual(bus.sent.map((entry) => metadataOf(entry).eventId));
  });

  it('returns for each request the EventId the bus gave its entry', async () => {
    const { bus, publisher } = setup();
    const results = await publisher.publish(placedMany(25));
    expect(results.map((r) => r.entryId)).toEqual(bus.sent.map((entry) => busEventId(entry)));
  });

  it('sends exactly 10 events in one call', async () => {
    const { bus, publisher } = setup();
    await publisher.publish(placedMany(10));
    expect(bus.calls.map((entries) => entries.length)).toEqual([10]);
  });

  it('sends nothing and returns nothing for no events', async () => {
    const { bus, publisher } = setup();
    await expect(publisher.publish([])).resolves.toEqual([]);
    expect(bus.calls).toEqual([]);
  });
});

describe('EventPublisher: partial failure', () => {
  it('retries only the entries PutEvents reported failed, in their order', async () => {
    const { bus, publisher } = setup(failOnFirstCall([1, 4]));
    await publisher.publish(placedMany(10));
    expect(bus.calls).toHaveLength(2);
    expect(keysOf(bus.calls[1] ?? [])).toEqual(['ord-2:placed', 'ord-5:placed']);
  });

  it('resends a failed entry unchanged, so it keeps its eventId', async () => {
    const { bus, publisher } = setup(failOnFirstCall([1, 4]));
    await publisher.publish(placedMany(10));
    expect(bus.calls[1]).toEqual([bus.calls[0]?.[1], bus.calls[0]?.[4]]);
  });

  it('maps the results of the retry back to the right requests', async () => {
    // Each call gives its own EventIds, so a result attributed to the wrong request shows.
    let eventIds = 0;
    const respond: PutEventsResponder = (entries, call) =>
      entries.map((_, j) =>
        call === 1 && (j === 1 || j === 4)
          ? rejected('ThrottlingException')
          : { EventId: `bus-${++eventIds}` },
      );
    const { bus, publisher } = setup(respond);
    const results = await publisher.publish(placedMany(10));
    expect(results.map((r) => r.entryId)).toEqual([
      'bus-1',
      'bus-9',
      'bus-2',
      'bus-3',
      'bus-10',
      'bus-4',
      'bus-5',
      'bus-6',
      'bus-7',
      'bus-8',
    ]);
    expect(results.map((r) => r.eventId)).toEqual(bus.calls[0]?.map((entry) => metadataOf(entry).eventId));
  });

  it('treats a result with an EventId but also an ErrorCode as failed', async () => {
    const respond: PutEventsResponder = (entries, call) =>
      entries.map((entry, j) =>
        call === 1 && j === 0 ? { ...accepted(entry), ErrorCode: 'InternalFailure' } : accepted(entry),
      );
    const { bus, publisher } = setup(respond);
    await publisher.publish(placedMany(3));
    expect(keysOf(bus.calls[1] ?? [])).toEqual(['ord-1:placed']);
  });

  it('retries a failed entry of one batch before sending the next batch', async () => {
    const { bus, publisher } = setup(failOnFirstCall([3]));
    await publisher.publish(placedMany(15));
    expect(bus.calls.map((entries) => entries.length)).toEqual([10, 1, 5]);
  });
});

describe('EventPublisher: backoff', () => {
  it('waits 50, 100 and 200 ms between four attempts (random 0.5, base 100 ms)', async () => {
    const { publisher, delays } = setup(rejectAll(), { baseDelayMs: 100, maxAttempts: 4 });
    await publishError(publisher.publish([placed(1)]));
    expect(delays).toEqual([50, 100, 200]);
  });

  it('caps one delay at maxDelayMs', async () => {
    const { publisher, delays } = setup(rejectAll(), { baseDelayMs: 100, maxDelayMs: 300, maxAttempts: 6 });
    await publishError(publisher.publish([placed(1)]));
    expect(delays).toEqual([50, 100, 150, 150, 150]);
  });

  it('jitters over the whole range: random 0 waits 0 ms', async () => {
    const { publisher, delays } = setup(rejectAll(), { random: () => 0 });
    await publishError(publisher.publish([placed(1)]));
    expect(delays).toEqual([0, 0, 0]);
  });

  it('jitters over the whole range: random just under 1 waits just under the cap', async () => {
    const { publisher, delays } = setup(rejectAll(), { random: () => 0.999 });
    await publishError(publisher.publish([placed(1)]));
    expect(delays).toEqual([99, 199, 399]);
  });

  it('draws a new random number for every retry', async () => {
    const draws = [0.1, 0.9, 0.5];
    const { publisher, delays } = setup(rejectAll(), { random: () => draws.shift() ?? 0 });
    await publishError(publisher.publish([placed(1)]));
    expect(delays).toEqual([10, 180, 200]);
  });

  it('by default makes 4 attempts, starting from 100 ms', async () => {
    const bus = new FakeEventBridge(rejectAll());
    const delays: number[] = [];
    const publisher = new EventPublisher(bus.asClient(), {
      busName: BUS,
      sleep: async (ms) => {
        delays.push(ms);
      },
      random: () => 0.5,
    });
    await publishError(publisher.publish([placed(1)]));
    expect(bus.calls).toHaveLength(4);
    expect(delays).toEqual([50, 100, 200]);
  });

  it('by default caps one delay at 2000 ms', async () => {
    const { publisher, delays } = setup(rejectAll(), { maxAttempts: 7 });
    await publishError(publisher.publish([placed(1)]));
    expect(delays).toEqual([50, 100, 200, 400, 800, 1000]);
  });

  it('does not wait when every entry is accepted at once', async () => {
    const { publisher, delays } = setup();
    await publisher.publish(placedMany(25));
    expect(delays).toEqual([]);
  });

  it('waits once before the one retry a partial failure needs', async () => {
    const { publisher, delays } = setup(failOnFirstCall([1, 4]));
    await publisher.publish(placedMany(10));
    expect(delays).toEqual([50]);
  });
});

describe('EventPublisher: giving up', () => {
  it('throws a PublishError after maxAttempts calls', async () => {
    const { bus, publisher } = setup(rejectAll(), { maxAttempts: 3 });
    await publishError(publisher.publish([placed(1)]));
    expect(bus.calls).toHaveLength(3);
  });

  it('makes one attempt only when maxAttempts is 1', async () => {
    const { bus, publisher, delays } = setup(rejectAll(), { maxAttempts: 1 });
    await publishError(publisher.publish([placed(1)]));
    expect(bus.calls).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('lists the still-failing entries with their ErrorCode and ErrorMessage', async () => {
    const respond: PutEventsResponder = (entries) =>
      entries.map((entry) =>
        ['ord-1:placed', 'ord-3:placed'].includes(metadataOf(entry).idempotencyKey)
          ? rejected('ThrottlingException', 'Rate exceeded')
          : accepted(entry),
      );
    const { bus, publisher } = setup(respond, { maxAttempts: 3 });
    const error = await publishError(publisher.publish(placedMany(3)));
    expect(error.failed).toEqual([
      { entry: bus.calls[0]?.[0], errorCode: 'ThrottlingException', errorMessage: 'Rate exceeded' },
      { entry: bus.calls[0]?.[2], errorCode: 'ThrottlingException', errorMessage: 'Rate exceeded' },
    ]);
  });

  it('reports the error of the last attempt', async () => {
    const respond: PutEventsResponder = (entries, call) =>
      entries.map(() =>
        call < 3 ? rejected('ThrottlingException') : rejected('InternalFailure', 'Internal failure'),
      );
    const { publisher } = setup(respond, { maxAttempts: 3 });
    const error = await publishError(publisher.publish([placed(1)]));
    expect(error.failed.map((f) => [f.errorCode, f.errorMessage])).toEqual([
      ['InternalFailure', 'Internal failure'],
    ]);
  });

  it('names the count, the attempts and the first error in its message', async () => {
    const { publisher } = setup(rejectAll('ThrottlingException', 'Rate exceeded'), { maxAttempts: 3 });
    const error = await publishError(publisher.publish(placedMany(2)));
    expect(error.message).toBe(
      '2 of 2 events were not accepted after 3 attempts: ThrottlingException Rate exceeded',
    );
  });

  it('retries an entry missing from the PutEvents result', async () => {
    // The bus answers for all but the last entry, once.
    const respond: PutEventsResponder = (entries, call) =>
      entries.slice(0, call === 1 ? -1 : undefined).map((entry) => accepted(entry));
    const { bus, publisher } = setup(respond);
    await publisher.publish(placedMany(3));
    expect(keysOf(bus.calls[1] ?? [])).toEqual(['ord-3:placed']);
  });

  it('reports an entry that stays missing from the result as failed, with MissingResult', async () => {
    const respond: PutEventsResponder = (entries) => entries.slice(0, -1).map((entry) => accepted(entry));
    const { bus, publisher } = setup(respond, { maxAttempts: 2 });
    const error = await publishError(publisher.publish(placedMany(3)));
    expect(error.failed).toEqual([
      {
        entry: bus.calls[0]?.[2],
        errorCode: 'MissingResult',
        errorMessage: 'PutEvents returned no result for this entry',
      },
    ]);
  });

  // Documents today's behaviour: batches run one after the other, and the first batch that gives
  // up ends the publish. Earlier batches stay published; later ones are never sent.
  it('does not send the batches after one that gave up', async () => {
    const respond: PutEventsResponder = (entries, call) =>
      entries.map((entry) => (call >= 2 ? rejected('ThrottlingException') : accepted(entry)));
    const { bus, publisher } = setup(respond, { maxAttempts: 2 });
    await publishError(publisher.publish(placedMany(25)));
    expect(bus.calls.map((entries) => entries.length)).toEqual([10, 10, 10]);
    expect(keysOf(bus.sent)).not.toContain('ord-21:placed');
  });
});

describe('EventPublisher: a client that throws', () => {
  // Documents today's behaviour: a thrown error (network, credentials, a 5xx the SDK gave up on)
  // is not retried by the publisher, only the SDK's own retry strategy applies.
  it('lets a network error propagate unchanged, without retrying or waiting', async () => {
    const networkError = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const { bus, publisher, delays } = setup(() => networkError);
    await expect(publisher.publish([placed(1)])).rejects.toBe(networkError);
    expect(bus.calls).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('lets a network error on a retry propagate, though part of the batch was accepted', async () => {
    const networkError = new Error('socket hang up');
    const respond: PutEventsResponder = (entries, call) =>
      call === 1
        ? entries.map((entry, j) => (j === 0 ? rejected('ThrottlingException') : accepted(entry)))
        : networkError;
    const { bus, publisher } = setup(respond);
    await expect(publisher.publish(placedMany(3))).rejects.toBe(networkError);
    expect(bus.calls.map((entries) => entries.length)).toEqual([3, 1]);
  });
});
