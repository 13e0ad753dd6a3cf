import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { assembleTrace, type TraceInput, unresolvedFailures } from '../../scripts/trace/hops.js';
import { type LogRecord, parseLogLine } from '../../scripts/trace/log-records.js';
import type { Topology } from '../../scripts/trace/topology.js';
import { formatTrace } from '../../scripts/trace/trace.js';

const ORDER = 'ord-7';
const CORRELATION = 'corr-7';
const PLACED = 'evt-placed';
const CONFIRMED = 'evt-confirmed';

const topology: Topology = {
  logGroups: new Map([
    ['/aws/lambda/starter', 'OrderFulfilment/SagaStarter'],
    ['/aws/lambda/email', 'OrderNotifications/EmailNotifier'],
    ['/aws/lambda/relay', 'OrderFulfilment/OutboxRelay'],
    ['/aws/lambda/audit', 'OrderLog/OrderAudit'],
  ]),
  queues: new Map([
    [
      'SagaIntakeQueue-1',
      {
        name: 'OrderFulfilment/SagaIntakeQueue',
        rules: [{ name: 'OrderFulfilment/SagaIntakeRoute', detailTypes: ['OrderPlaced'] }],
      },
    ],
    [
      'EmailQueue-1',
      {
        name: 'OrderNotifications/EmailQueue',
        rules: [],
        topic: {
          name: 'OrderNotifications/OrderOutcomesTopic',
          rules: [
            { name: 'OrderNotifications/OutcomesRoute', detailTypes: ['OrderConfirmed', 'OrderCancelled'] },
          ],
        },
      },
    ],
  ]),
};

/** A Powertools line as a function of the app writes it. */
function line(group: string, at: string, message: string, fields: Record<string, unknown>): LogRecord {
  const text = JSON.stringify({ level: 'INFO', message, timestamp: at, service: 's', ...fields });
  const record = parseLogLine(text, group);
  if (!record) throw new Error('fixture line did not parse');
  return record;
}

const keys = (eventId: string) => ({ correlationId: CORRELATION, eventId, orderId: ORDER });

const starterHandled = line('/aws/lambda/starter', '2026-12-03T10:00:00.300Z', 'Record handled', {
  ...keys(PLACED),
  messageId: 'm-1',
  queue: 'SagaIntakeQueue-1',
  receiveCount: 1,
  sentAt: '2026-12-03T10:00:00.100Z',
  detailType: 'OrderPlaced',
  busTime: '2026-12-03T10:00:00.050Z',
  durationMs: 50,
});
const relayed = line('/aws/lambda/relay', '2026-12-03T10:00:01.000Z', 'Relaying outbox', {
  ...keys(CONFIRMED),
  version: 5,
  entries: ['bus:OrderConfirmed'],
});
const emailFailed = line(
  '/aws/lambda/email',
  '2026-12-03T10:00:01.400Z',
  'Record failed; it will be retried',
  {
    ...keys(CONFIRMED),
    messageId: 'm-2',
    queue: 'EmailQueue-1',
    receiveCount: 1,
    sentAt: '2026-12-03T10:00:01.200Z',
    detailType: 'OrderConfirmed',
    durationMs: 100,
    error: { name: 'Error', message: 'mail provider refused' },
  },
);
const emailHandled = line('/aws/lambda/email', '2026-12-03T10:00:03.400Z', 'Record handled', {
  ...keys(CONFIRMED),
  messageId: 'm-2',
  queue: 'EmailQueue-1',
  receiveCount: 2,
  sentAt: '2026-12-03T10:00:01.200Z',
  detailType: 'OrderConfirmed',
  durationMs: 20,
});
const audited = line('/aws/lambda/audit', '2026-12-03T10:00:01.600Z', 'Record handled', {
  ...keys(CONFIRMED),
  topic: 'orders.events',
  partition: 3,
  offset: 41,
  appendedAt: '2026-12-03T10:00:01.050Z',
  group: 'order-audit',
});

const at = (iso: string) => new Date(iso);

/** One task of the saga as its history shows it: entered, scheduled once, exited. */
function task(id: number, name: string, from: string, to: string, result?: object): HistoryEvent[] {
  const output = result ? JSON.stringify({ results: { [name]: result } }) : undefined;
  return [
    { id, type: 'TaskStateEntered', timestamp: at(from), stateEnteredEventDetails: { name } },
    { id: id + 1, type: 'TaskScheduled', timestamp: at(from) },
    { id: id + 2, type: 'TaskStateExited', timestamp: at(to), stateExitedEventDetails: { name, output } },
  ];
}

const history: HistoryEvent[] = [
  {
    id: 1,
    type: 'ExecutionStarted',
    timestamp: at('2026-12-03T10:00:00.400Z'),
    executionStartedEventDetails: {
      input: JSON.stringify({
        metadata: { eventId: PLACED, correlationId: CORRELATION, occurredAt: '2026-12-03T10:00:00.040Z' },
      }),
    },
  },
  ...task(2, 'ReserveStock', '2026-12-03T10:00:00.500Z', '2026-12-03T10:00:00.600Z', { outcome: 'OK' }),
  ...task(5, 'AuthorizePayment', '2026-12-03T10:00:00.700Z', '2026-12-03T10:00:00.750Z', {
    outcome: 'DECLINED',
    reason: 'PAYMENT_DECLINED',
  }),
  ...task(8, 'CompensateReserveStock', '2026-12-03T10:00:00.800Z', '2026-12-03T10:00:00.850Z'),
  { id: 11, type: 'ExecutionSucceeded', timestamp: at('2026-12-03T10:00:00.900Z') },
];

function input(overrides: Partial<TraceInput> = {}): TraceInput {
  return {
    id: ORDER,
    orderId: ORDER,
    source: 'emulator',
    topology,
    busName: 'OrdersBus',
    topic: 'orders.events',
    logs: [emailHandled, starterHandled, audited, relayed, emailFailed],
    saga: { executionArn: 'arn:exec', history },
    store: [
      {
        version: 5,
        occurredAt: '2026-12-03T10:00:00.950Z',
        eventId: 'dom-5',
        type: 'OrderConfirmed',
        outbox: [{ destination: 'bus', event: { 'detail-type': 'OrderConfirmed' } }],
      },
    ],
    audit: [
      {
        eventId: CONFIRMED,
        detailType: 'OrderConfirmed',
        occurredAt: '2026-12-03T10:00:00.950Z',
        partition: 3,
        offset: 41,
      },
    ],
    ...overrides,
  };
}

const kinds = (trace: ReturnType<typeof assembleTrace>) => trace.hops.map((h) => h.kind);

describe('assembleTrace', () => {
  it('puts the hops in time order, whatever order the lines came in', () => {
    const times = assembleTrace(input()).hops.map((h) => Date.parse(h.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('gives each hop its latency since the one before, and the total from first to last', () => {
    const trace = assembleTrace(input());
    const [first, ...rest] = trace.hops;
    expect(first?.latencyMs).toBeUndefined();
    rest.forEach((hop, i) => {
      expect(hop.latencyMs).toBe(Date.parse(hop.at) - Date.parse(trace.hops[i]?.at ?? ''));
    });
    expect(trace.totalMs).toBe(Date.parse(trace.hops.at(-1)?.at ?? '') - Date.parse(first?.at ?? ''));
  });

  it('starts with the bus put of the OrderPlaced at its occurredAt, set as the client put it', () => {
    const [first] = assembleTrace(input()).hops;
    expect(first).toMatchObject({
      kind: 'bus-put',
      at: '2026-12-03T10:00:00.040Z',
      where: 'OrdersBus',
      eventId: PLACED,
    });
  });

  it("takes the bus's own time for a put when nothing better says it, but never after a delivery", () => {
    const lateBusTime = line(starterHandled.logGroup, starterHandled.at, starterHandled.message, {
      ...starterHandled.fields,
      busTime: '2026-12-03T10:00:01.000Z',
    });
    const put = assembleTrace(input({ logs: [lateBusTime], saga: undefined })).hops[0];
    expect(put).toMatchObject({ kind: 'bus-put', at: '2026-12-03T10:00:00.100Z' });
  });

  it('shows no bus put for what was published to a topic directly (the status stream)', () => {
    const status = line('/aws/lambda/status', '2026-12-03T10:00:01.500Z', 'Record handled', {
      ...keys('evt-status'),
      messageId: 'm-9',
      queue: 'StatusQueue-1.fifo',
      receiveCount: 1,
      sentAt: '2026-12-03T10:00:01.450Z',
      detailType: 'OrderStatusChanged',
      busTime: '2026-12-03T10:00:01.400Z',
      durationMs: 10,
    });
    const queues = new Map(topology.queues).set('StatusQueue-1.fifo', {
      name: 'OrderNotifications/StatusQueue',
      rules: [],
      topic: { name: 'OrderNotifications/OrderStatusStream', rules: [] },
    });
    const trace = assembleTrace(input({ logs: [status], topology: { ...topology, queues } }));
    const ofStatus = trace.hops.filter((h) => h.eventId === 'evt-status').map((h) => h.kind);
    expect(ofStatus).toEqual(['topic-delivery', 'queue-receive', 'consumer']);
  });

  it('derives the rule delivery to a queue from the template and the message sent time', () => {
    const rule = assembleTrace(input()).hops.find((h) => h.kind === 'rule-delivery' && h.eventId === PLACED);
    expect(rule).toMatchObject({
      at: '2026-12-03T10:00:00.100Z',
      where: 'OrderFulfilment/SagaIntakeRoute',
      details: { target: 'OrderFulfilment/SagaIntakeQueue' },
    });
  });

  it('shows a delivery through a topic as the rule to the topic, then the topic to the queue', () => {
    const trace = assembleTrace(input());
    const confirmed = trace.hops.filter((h) => h.eventId === CONFIRMED).map((h) => `${h.kind} ${h.where}`);
    expect(confirmed).toContain('rule-delivery OrderNotifications/OutcomesRoute');
    expect(confirmed).toContain('topic-delivery OrderNotifications/OrderOutcomesTopic');
  });

  it("times a rule's delivery to a topic at the first of its queues' deliveries", () => {
    const loyalty = line(emailHandled.logGroup, '2026-12-03T10:00:03.500Z', 'Record handled', {
      ...emailHandled.fields,
      messageId: 'm-4',
      queue: 'LoyaltyQueue-1',
      sentAt: '2026-12-03T10:00:01.150Z',
    });
    const queues = new Map(topology.queues);
    const email = queues.get('EmailQueue-1');
    if (email) queues.set('LoyaltyQueue-1', { ...email, name: 'OrderNotifications/LoyaltyQueue' });
    const trace = assembleTrace(input({ logs: [emailHandled, loyalty], topology: { ...topology, queues } }));
    expect(trace.hops.filter((h) => h.kind === 'rule-delivery').map((h) => h.at)).toEqual([
      '2026-12-03T10:00:01.150Z',
    ]);
  });

  it('shows the queue wait of a receive: from the sent time to the start of the handling', () => {
    const receive = assembleTrace(input()).hops.find(
      (h) => h.kind === 'queue-receive' && h.eventId === PLACED,
    );
    expect(receive).toMatchObject({
      at: '2026-12-03T10:00:00.250Z',
      details: { queueWaitMs: 150, receiveCount: 1 },
    });
  });

  it('shows a retried record as a failed attempt, then a second receive that succeeds', () => {
    const email = assembleTrace(input())
      .hops.filter((h) => h.where === 'OrderNotifications/EmailNotifier')
      .map((h) => h.outcome);
    expect(email).toEqual(['retried', 'ok']);
  });

  it('shows a rejected record as dead-lettered by its consumer, with the reason', () => {
    const rejected = line(
      '/aws/lambda/email',
      '2026-12-03T10:00:02.000Z',
      'Record rejected: it can never succeed',
      {
        ...keys(CONFIRMED),
        messageId: 'm-3',
        queue: 'EmailQueue-1',
        receiveCount: 1,
        sentAt: '2026-12-03T10:00:01.900Z',
        reason: 'schema validation failed: total',
        durationMs: 5,
      },
    );
    const hop = assembleTrace(input({ logs: [rejected] })).hops.find((h) => h.kind === 'dead-letter');
    expect(hop).toMatchObject({ outcome: 'dead-lettered', where: 'OrderNotifications/EmailQueue DLQ' });
    expect(hop?.summary).toContain('schema validation failed');
  });

  it('adds a dead-letter hop for a record its queue moved to the DLQ after the retries', () => {
    const trace = assembleTrace(
      input({
        logs: [emailFailed],
        deadLetters: [{ queue: 'EmailQueue-1', messageId: 'm-2', reason: 'retries exhausted' }],
      }),
    );
    expect(trace.hops.at(-1)).toMatchObject({
      kind: 'dead-letter',
      at: emailFailed.at,
      outcome: 'dead-lettered',
    });
  });

  it('names the saga steps and marks compensations', () => {
    const saga = assembleTrace(input()).hops.filter((h) => h.where.startsWith('saga/'));
    expect(saga.map((h) => [h.kind, h.where, h.outcome])).toEqual([
      ['saga-step', 'saga/ReserveStock', 'ok'],
      ['saga-step', 'saga/AuthorizePayment', 'failed'],
      ['compensation', 'saga/CompensateReserveStock', 'compensated'],
    ]);
  });

  it('has the store append, the relay and the bus put of the relayed event', () => {
    const trace = assembleTrace(input());
    expect(kinds(trace)).toEqual(expect.arrayContaining(['store-append', 'outbox-relay']));
    expect(trace.hops.find((h) => h.kind === 'bus-put' && h.eventId === CONFIRMED)?.summary).toMatch(
      /outbox relay/,
    );
  });

  it('has the Kafka append at the record time and the group read, with partition and offset', () => {
    const trace = assembleTrace(input());
    expect(trace.hops.filter((h) => h.kind === 'kafka-append')).toEqual([
      expect.objectContaining({
        at: '2026-12-03T10:00:01.050Z',
        where: 'orders.events[3]',
        details: { partition: 3, offset: 41 },
      }),
    ]);
    expect(trace.hops.find((h) => h.kind === 'kafka-consume')).toMatchObject({
      where: 'order-audit',
      details: { group: 'order-audit', partition: 3, offset: 41 },
    });
  });

  it('takes the partition and offset from the audit table when no consumer logged them', () => {
    const trace = assembleTrace(
      input({ logs: [relayed], groupsInStore: ['order-audit', 'sales-per-minute'] }),
    );
    expect(trace.hops.find((h) => h.kind === 'kafka-append')).toMatchObject({
      at: relayed.at,
      details: { partition: 3, offset: 41 },
    });
    expect(trace.hops.filter((h) => h.kind === 'kafka-consume').map((h) => h.where)).toEqual([
      'order-audit',
      'sales-per-minute',
    ]);
  });

  it('collects the correlation ids of the lines and the saga input', () => {
    expect(assembleTrace(input()).correlationIds).toEqual([CORRELATION]);
  });

  it('keeps the id asked for apart from the order id', () => {
    expect(assembleTrace(input({ id: CORRELATION }))).toMatchObject({ id: CORRELATION, orderId: ORDER });
  });
});

describe('unresolvedFailures', () => {
  it('lists a message whose last line is a retry, not one handled later', () => {
    expect(unresolvedFailures([emailFailed])).toEqual([{ queue: 'EmailQueue-1', messageId: 'm-2' }]);
    expect(unresolvedFailures([emailHandled, emailFailed])).toEqual([]);
  });
});

describe('formatTrace', () => {
  it('prints one row per hop and ends with the total', () => {
    const trace = assembleTrace(input());
    const text = formatTrace(trace).split('\n');
    expect(text.filter((l) => /^ {2}\d\d:\d\d:\d\d\.\d{3}/.test(l))).toHaveLength(trace.hops.length);
    expect(text.at(-1)).toBe(`Total: ${trace.totalMs} ms from the first hop to the last.`);
  });

  it('gives the same trace back from its JSON (plain data, nothing lost)', () => {
    const trace = assembleTrace(input());
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
  });
});
