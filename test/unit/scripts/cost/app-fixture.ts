import {
  type AppStructure,
  DEFAULT_VARIANT,
  type FunctionInfo,
} from '../../../../scripts/cost/app-structure.js';
import { type Assumptions, DEFAULT_ASSUMPTIONS } from '../../../../scripts/cost/assumptions.js';
import { payloadChunks } from '../../../../scripts/cost/billing.js';
import type { costReport, LineItem } from '../../../../scripts/cost/model.js';
import type { Ledger } from '../../../../scripts/cost/pricers/ledger.js';
import type { StateMachineDefinition } from '../../../../scripts/shared/asl.js';

/** A small app the cost model's tests price, so that every figure can be worked out by hand. */

export const MILLION = 1_000_000;

export const fn = (name: string, more: Partial<FunctionInfo> = {}): FunctionInfo => ({
  name,
  memoryMb: 256,
  architecture: 'arm64',
  timeoutSeconds: 5,
  idempotencyTable: 'App/Idempotency',
  dataTable: 'App/Ledger',
  eventStoreTable: undefined,
  ...more,
});

/** Reserve, then done; or, refused, undo and fail: two paths. */
export const SAGA: StateMachineDefinition = {
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

const CONSUMER_MAPPING = {
  queue: 'App/Everything',
  function: 'App/Consumer',
  batchSize: 10,
  batchingWindowSeconds: 0,
  maxConcurrency: 20,
};

/** Outcomes → a topic with two queues, one consumer; no saga unless overridden. */
export const structure = (overrides: Partial<AppStructure> = {}): AppStructure => ({
  variant: DEFAULT_VARIANT,
  functions: [fn('App/Consumer'), fn('App/Reserve'), fn('App/Undo')],
  queues: [
    { name: 'App/Everything', fifo: false },
    { name: 'App/Confirmed', fifo: false },
  ],
  mappings: [CONSUMER_MAPPING],
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

/**
 * The same app event-sourced: the saga's tasks append to App/Events, whose stream triggers
 * App/Relay, which publishes status changes to the App/Status FIFO topic no rule feeds.
 */
export const eventSourced = (overrides: Partial<AppStructure> = {}): AppStructure => {
  const base = structure();
  return structure({
    functions: [
      fn('App/Consumer'),
      fn('App/Reserve', { eventStoreTable: 'App/Events' }),
      fn('App/Undo', { eventStoreTable: 'App/Events' }),
      fn('App/Relay', { idempotencyTable: undefined, dataTable: undefined }),
    ],
    queues: [...base.queues, { name: 'App/StatusQueue', fifo: true }],
    mappings: [
      CONSUMER_MAPPING,
      {
        queue: 'App/Events',
        function: 'App/Relay',
        batchSize: 10,
        batchingWindowSeconds: 0,
        maxConcurrency: undefined,
      },
    ],
    topics: [
      ...base.topics,
      {
        name: 'App/Status',
        fifo: true,
        encrypted: false,
        subscriptions: [{ queue: 'App/StatusQueue', filter: undefined }],
      },
    ],
    stateMachines: [{ type: 'STANDARD', definition: SAGA }],
    ...overrides,
  });
};

export const assumptions: Assumptions = {
  ...DEFAULT_ASSUMPTIONS,
  confirmedShare: 0.9,
  refusals: { Reserve: 1 },
  durations: {
    Consumer: { perInvocationMs: 10, perRecordMs: 30 },
    Reserve: { perInvocationMs: 50, perRecordMs: 0 },
    Undo: { perInvocationMs: 50, perRecordMs: 0 },
    Relay: { perInvocationMs: 10, perRecordMs: 25 },
  },
  tableWork: {
    Consumer: { reads: 0, writes: 1 },
    Reserve: { reads: 0, writes: 0 },
    Undo: { reads: 0, writes: 0 },
    Relay: { reads: 0, writes: 0 },
  },
  stepEvents: {
    Reserve: { done: ['OrderPlaced', 'StockReserved'], refused: ['OrderPlaced', 'StockRefused'] },
    Undo: { done: ['OrderCancelled'] },
  },
  idempotencyWritesPerCall: 2,
  expressOverheadMsPerTask: 30,
};

/** A ledger on `app` that keeps its lines, for pricers tested on their own. */
export function ledgerOf(
  app: AppStructure,
  orders: number,
  a: Assumptions = assumptions,
): { ledger: Ledger; lines: LineItem[] } {
  const lines: LineItem[] = [];
  const ledger: Ledger = {
    structure: app,
    orders,
    a,
    options: {},
    chunks: payloadChunks(a.eventBytes),
    busFanOut: new Set(),
    add: (l) => lines.push(l),
  };
  return { ledger, lines };
}

export const line = (report: Pick<ReturnType<typeof costReport>, 'lines'>, item: string): LineItem => {
  const found = report.lines.find((l) => l.item.startsWith(item));
  if (!found) throw new Error(`no line '${item}' in ${report.lines.map((l) => l.item).join(', ')}`);
  return found;
};
