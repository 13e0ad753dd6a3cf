import { describe, expect, it } from 'vitest';
import {
  type AppStructure,
  DEFAULT_VARIANT,
  type FunctionInfo,
} from '../../../../scripts/cost/app-structure.js';
import { type Assumptions, DEFAULT_ASSUMPTIONS } from '../../../../scripts/cost/assumptions.js';
import { costReport, serviceUsd } from '../../../../scripts/cost/model.js';
import type { StateMachineDefinition } from '../../../../scripts/shared/asl.js';

const MILLION = 1_000_000;

const fn = (name: string): FunctionInfo => ({
  name,
  memoryMb: 256,
  architecture: 'arm64',
  timeoutSeconds: 5,
  idempotencyTable: 'App/Idempotency',
  dataTable: 'App/Ledger',
});

/** Outcomes → a topic with two queues, one consumer, and a two-state-path saga. */
const SAGA: StateMachineDefinition = {
  StartAt: 'Reserve',
  States: {
    Reserve: { Type: 'Task', Resource: 'App/Reserve', ResultPath: '$.results.Reserve', Next: 'Reserved?' },
    'Reserved?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.results.Reserve.outcome', StringEquals: 'OK', Next: 'Done' }],
      Default: 'Undo',
    },
    Undo: { Type: 'Task', Resource: 'App/Undo', ResultPath: '$.undo', Next: 'Failed' },
    Done: { Type: 'Succeed' },
    Failed: { Type: 'Fail' },
  },
};

const structure = (overrides: Partial<AppStructure> = {}): AppStructure => ({
  variant: DEFAULT_VARIANT,
  functions: [fn('App/Consumer'), fn('App/Reserve'), fn('App/Undo')],
  queues: [
    { name: 'App/Everything', fifo: false },
    { name: 'App/Confirmed', fifo: false },
  ],
  mappings: [
    {
      queue: 'App/Everything',
      function: 'App/Consumer',
      batchSize: 10,
      batchingWindowSeconds: 0,
      maxConcurrency: 20,
    },
  ],
  topics: [
    {
      name: 'App/Outcomes',
      fifo: false,
      encrypted: false,
      subscriptions: [
        { queue: 'App/Everything', filter: undefined },
        { queue: 'App/Confirmed', filter: { 'detail-type': ['OrderConfirmed'] } },
      ],
    },
  ],
  rules: [
    {
      name: 'App/OutcomesRoute',
      pattern: { source: ['orders'], 'detail-type': ['OrderConfirmed', 'OrderCancelled'] },
      targets: [{ kind: 'topic', name: 'App/Outcomes' }],
    },
  ],
  stateMachines: [],
  counts: { alarms: 0, dashboards: 0, kmsKeys: 0 },
  archives: 0,
  ...overrides,
});

const assumptions: Assumptions = {
  ...DEFAULT_ASSUMPTIONS,
  confirmedShare: 0.9,
  refusals: { Reserve: 1 },
  durations: {
    Consumer: { perInvocationMs: 10, perRecordMs: 30 },
    Reserve: { perInvocationMs: 50, perRecordMs: 0 },
    Undo: { perInvocationMs: 50, perRecordMs: 0 },
  },
  tableWork: {
    Consumer: { reads: 0, writes: 1 },
    Reserve: { reads: 0, writes: 0 },
    Undo: { reads: 0, writes: 0 },
  },
  idempotencyWritesPerCall: 2,
  expressOverheadMsPerTask: 30,
};

const line = (report: ReturnType<typeof costReport>, item: string) => {
  const found = report.lines.find((l) => l.item.startsWith(item));
  if (!found) throw new Error(`no line '${item}' in ${report.lines.map((l) => l.item).join(', ')}`);
  return found;
};

describe('cost model', () => {
  it('puts two events on the bus per order: the OrderPlaced and its outcome ($2 per million orders)', () => {
    const report = costReport(structure(), MILLION, assumptions);
    expect(line(report, 'custom events published').units).toBe(2 * MILLION);
    expect(line(report, 'custom events published').usd).toBeCloseTo(2, 9);
  });

  it('publishes each outcome to the topic once, whatever the number of subscriptions ($0.50 per million)', () => {
    const report = costReport(structure(), MILLION, assumptions);
    expect(line(report, 'publishes').units).toBeCloseTo(MILLION, 6);
    expect(serviceUsd(report, 'SNS')).toBeCloseTo(0.5, 9);
  });

  it('delivers to a subscription filtered on detail-type only the matching type, with no assumption needed', () => {
    const report = costReport(structure(), MILLION, assumptions);
    expect(report.queues.find((q) => q.name === 'App/Confirmed')?.messages).toBeCloseTo(0.9 * MILLION, 6);
    expect(report.queues.find((q) => q.name === 'App/Everything')?.messages).toBeCloseTo(MILLION, 6);
  });

  it('runs the consumer once per record at a low rate: 1M x 40 ms x 256 MB = 10,000 GB-s', () => {
    const consumer = costReport(structure(), MILLION, assumptions).functions.find(
      (f) => f.name === 'App/Consumer',
    );
    expect(consumer?.invocations).toBeCloseTo(MILLION, 6);
    expect(consumer?.durationMs).toBeCloseTo(40, 9);
    expect(consumer?.gbSeconds).toBeCloseTo(10_000, 6);
  });

  it('adds the idempotency records to the effect writes: 1M records x (1 + 2) WRU = $1.875', () => {
    const report = costReport(structure(), MILLION, assumptions);
    expect(line(report, 'write request units').units).toBeCloseTo(3 * MILLION, 6);
    expect(line(report, 'write request units').usd).toBeCloseTo(1.875, 9);
    expect(report.tables).toEqual([
      { name: 'App/Idempotency', reads: 0, writes: 2 * MILLION },
      { name: 'App/Ledger', reads: 0, writes: MILLION },
    ]);
  });

  it('fails, naming the queue, when a subscription filters on content and no share is assumed', () => {
    const filtered = structure({
      topics: [
        {
          name: 'App/Outcomes',
          fifo: false,
          encrypted: false,
          subscriptions: [
            { queue: 'App/Confirmed', filter: { detail: { data: { total: [{ numeric: ['>=', 100] }] } } } },
          ],
        },
      ],
    });
    expect(() => costReport(filtered, MILLION, assumptions)).toThrow(
      /subscription of 'Confirmed' filters on content/,
    );
  });

  it('drops the topic publishes when the bus fans out itself, and counts a target invocation per delivery', () => {
    const sns = costReport(structure(), MILLION, assumptions);
    const bus = costReport(structure(), MILLION, assumptions, { busFanOutFor: ['App/Outcomes'] });
    expect(serviceUsd(bus, 'SNS')).toBe(0);
    expect(sns.volumes.targetInvocations).toBeCloseTo(MILLION, 6);
    expect(bus.volumes.targetInvocations).toBeCloseTo(1.9 * MILLION, 6);
  });

  it('bills a Standard saga per state entered: 0.9M x 3 + 0.1M x 4 transitions = $77.50', () => {
    const report = costReport(
      structure({ stateMachines: [{ type: 'STANDARD', definition: SAGA }] }),
      MILLION,
      assumptions,
    );
    expect(report.paths.map((p) => [p.name, p.transitions])).toEqual([
      ['confirmed', 3],
      ['refused at Reserve', 4],
    ]);
    expect(line(report, 'state transitions').units).toBeCloseTo(3.1 * MILLION, 6);
    expect(serviceUsd(report, 'Step Functions')).toBeCloseTo(77.5, 9);
  });

  it('bills an Express saga per run and per 100 ms at 64 MB: $1 + 1.9097 GB-hours at $0.06', () => {
    const report = costReport(
      structure({ stateMachines: [{ type: 'EXPRESS', definition: SAGA }] }),
      MILLION,
      assumptions,
    );
    // Confirmed: 50 + 30 ms → 100 ms billed; refused: two tasks, 160 ms → 200 ms billed.
    const gbHours = ((0.9 * MILLION * 0.1 + 0.1 * MILLION * 0.2) * (64 / 1024)) / 3600;
    expect(line(report, 'duration (Express)').units).toBeCloseTo(gbHours, 9);
    expect(serviceUsd(report, 'Step Functions')).toBeCloseTo(1 + gbHours * 0.06, 9);
  });

  it('runs each saga task once per execution of the paths that reach it', () => {
    const report = costReport(
      structure({ stateMachines: [{ type: 'STANDARD', definition: SAGA }] }),
      MILLION,
      assumptions,
    );
    expect(report.functions.find((f) => f.name === 'App/Reserve')?.invocations).toBeCloseTo(MILLION, 6);
    expect(report.functions.find((f) => f.name === 'App/Undo')?.invocations).toBeCloseTo(0.1 * MILLION, 6);
  });

  it('prices every function as x86_64 when asked, at 25% more per GB-second', () => {
    const arm = costReport(structure(), MILLION, assumptions);
    const x86 = costReport(structure(), MILLION, assumptions, { architecture: 'x86_64' });
    expect(line(x86, 'compute (x86_64)').usd / line(arm, 'compute (arm64)').usd).toBeCloseTo(
      0.0000166667 / 0.0000133334,
      9,
    );
  });
});
