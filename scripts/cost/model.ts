import { traceExecution } from '../shared/asl.js';
import { shortName } from '../shared/resource-names.js';
import type { AppStructure, FunctionInfo, RuleInfo, StateMachineInfo } from './app-structure.js';
import type { Assumptions } from './assumptions.js';
import {
  batching,
  expressCost,
  idleReceives,
  lambdaCost,
  lambdaGbSeconds,
  payloadChunks,
  SECONDS_PER_MONTH,
  sampledPerSecond,
} from './billing.js';
import { PRICES } from './prices.js';

/** The events on the bus, per order. */
export const BUS_EVENTS = ['OrderPlaced', 'OrderConfirmed', 'OrderCancelled'] as const;

export interface LineItem {
  readonly service: string;
  readonly item: string;
  readonly units: number;
  readonly unit: string;
  readonly usd: number;
  /** A monthly fee whatever the traffic. */
  readonly fixed?: boolean;
}

export interface FunctionUsage {
  readonly name: string;
  readonly architecture: 'arm64' | 'x86_64';
  readonly memoryMb: number;
  readonly invocations: number;
  readonly records: number;
  /** Billed ms per invocation, on average. */
  readonly durationMs: number;
  readonly gbSeconds: number;
  /** The event source mapping's cap on concurrent invocations, if it has one. */
  readonly maxConcurrency?: number;
}

export interface SagaPath {
  readonly name: string;
  readonly share: number;
  /** States entered: Standard bills each as a transition. */
  readonly transitions: number;
  readonly tasks: readonly string[];
  /** Sum of task durations plus overhead: what Express bills, before rounding. */
  readonly durationMs: number;
}

export interface QueueUsage {
  readonly name: string;
  readonly fifo: boolean;
  readonly messages: number;
  readonly consumer?: string;
  readonly perInvocation?: number;
}

export interface TableUsage {
  readonly name: string;
  readonly reads: number;
  readonly writes: number;
}

export interface CostReport {
  readonly orders: number;
  readonly structure: AppStructure;
  readonly lines: readonly LineItem[];
  readonly functions: readonly FunctionUsage[];
  readonly queues: readonly QueueUsage[];
  readonly paths: readonly SagaPath[];
  readonly tables: readonly TableUsage[];
  readonly sagaType: 'STANDARD' | 'EXPRESS';
  /** Rates the quotas are about, per month. */
  readonly volumes: {
    readonly busEvents: number;
    readonly targetInvocations: number;
    readonly snsPublishes: number;
    readonly snsFifoPublishes: number;
    readonly sagaExecutions: number;
    readonly stateTransitions: number;
  };
  readonly totalUsd: number;
}

export interface ModelOptions {
  /** Price every function as this architecture instead of the template's. */
  readonly architecture?: 'arm64' | 'x86_64';
  /**
   * Fan out through the bus instead of these topics: one rule per subscription (EventBridge
   * matches for free), so the topics' publishes and KMS requests go away.
   */
  readonly busFanOutFor?: readonly string[];
}

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

/** Keys of a filter or pattern that are about content, not about the event's type. */
const contentKeys = (filter: Record<string, unknown>) =>
  Object.keys(filter).filter((k) => k !== 'detail-type' && k !== 'source');

function typeShare(
  filter: Record<string, unknown> | undefined,
  type: string,
  shares: Readonly<Record<string, number>>,
  key: string,
  what: string,
): number {
  if (!filter) return 1;
  const types = filter['detail-type'];
  if (Array.isArray(types) && !types.includes(type)) return 0;
  if (contentKeys(filter).length === 0) return 1;
  const share = shares[key];
  if (share === undefined)
    throw new Error(
      `${what} '${key}' filters on content: give the share it lets through in the assumptions.`,
    );
  return share;
}

const ruleShare = (rule: RuleInfo, type: string, a: Assumptions) =>
  typeShare(rule.pattern, type, a.routeShares, shortName(rule.name), 'route');

/** The saga's paths: the happy one, and one per step that can refuse, with their shares. */
export function sagaPaths(
  machine: StateMachineInfo,
  functions: readonly FunctionInfo[],
  a: Assumptions,
): SagaPath[] {
  const refusalTotal = sum(Object.values(a.refusals));
  if (Math.abs(refusalTotal - 1) > 1e-9)
    throw new Error(`refusal shares must add up to 1, got ${refusalTotal}.`);
  const cases: Array<{ name: string; share: number; step?: string }> = [
    { name: 'confirmed', share: a.confirmedShare },
    ...Object.entries(a.refusals).map(([step, share]) => ({
      name: `refused at ${step}`,
      share: (1 - a.confirmedShare) * share,
      step,
    })),
  ];
  return cases.map(({ name, share, step }) => {
    if (step !== undefined && machine.definition.States[step]?.Type !== 'Task')
      throw new Error(`the saga has no step '${step}' (refusals name its task states).`);
    const trace = traceExecution(
      machine.definition,
      step ? { [step]: { outcome: 'REFUSED', reason: 'REFUSED' } } : {},
    );
    const tasks = trace.tasks.map((t) => String(machine.definition.States[t]?.Resource));
    const durationMs = sum(
      tasks.map((t) => durationOf(functions, t, a).perInvocationMs + a.expressOverheadMsPerTask),
    );
    return { name, share, transitions: trace.states.length, tasks, durationMs };
  });
}

function durationOf(functions: readonly FunctionInfo[], name: string, a: Assumptions) {
  if (!functions.some((f) => f.name === name)) throw new Error(`no function '${name}' in the app.`);
  const d = a.durations[shortName(name)];
  if (!d) throw new Error(`no duration assumption for function '${shortName(name)}'.`);
  return d;
}

/** DynamoDB request units `calls` of a function cause, per table. */
function tableUnits(fn: FunctionInfo, calls: number, a: Assumptions): TableUsage[] {
  const work = a.tableWork[shortName(fn.name)];
  if (!work) throw new Error(`no DynamoDB assumption for function '${shortName(fn.name)}'.`);
  const units: TableUsage[] = [];
  if (fn.idempotencyTable)
    units.push({ name: fn.idempotencyTable, reads: 0, writes: calls * a.idempotencyWritesPerCall });
  const writes = work.writes + (work.writesPerSku ?? 0) * a.skusPerOrder;
  if (work.reads + writes > 0) {
    if (!fn.dataTable) throw new Error(`function '${fn.name}' is assumed to use a table but has none.`);
    units.push({ name: fn.dataTable, reads: calls * work.reads, writes: calls * writes });
  }
  return units;
}

/** Usage and cost of `orders` a month on the synthesized app, under the assumptions. */
export function costReport(
  structure: AppStructure,
  orders: number,
  a: Assumptions,
  options: ModelOptions = {},
): CostReport {
  const lines: LineItem[] = [];
  const add = (line: LineItem) => lines.push(line);
  const chunks = payloadChunks(a.eventBytes);
  const gb = (bytes: number) => bytes / 1024 ** 3;
  const busFanOut = new Set(options.busFanOutFor ?? []);

  // EventBridge: every order puts one OrderPlaced and one outcome on the bus.
  const perType: Record<string, number> = {
    OrderPlaced: orders,
    OrderConfirmed: orders * a.confirmedShare,
    OrderCancelled: orders * (1 - a.confirmedShare),
  };
  const busEvents = sum(Object.values(perType));
  add({
    service: 'EventBridge',
    item: 'custom events published',
    units: busEvents * chunks,
    unit: 'events',
    usd: busEvents * chunks * PRICES.eventBridgeEvent.usd,
  });
  if (structure.archives > 0) {
    const archived = gb(busEvents * a.eventBytes) * structure.archives;
    add({
      service: 'EventBridge',
      item: 'events archived',
      units: archived,
      unit: 'GB',
      usd: archived * PRICES.eventBridgeArchive.usd,
    });
  }

  // Routing: rules put matched events on queues (SendMessage) or topics (Publish); matching is free.
  const queueIn = new Map<string, number>();
  const topicIn = new Map<string, Map<string, number>>();
  const addTo = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);
  let targetInvocations = 0;
  for (const rule of structure.rules) {
    for (const type of BUS_EVENTS) {
      const matched = (perType[type] ?? 0) * ruleShare(rule, type, a);
      for (const target of rule.targets) {
        if (target.kind === 'queue') {
          addTo(queueIn, target.name, matched);
          targetInvocations += matched;
        } else {
          const byType = topicIn.get(target.name) ?? new Map<string, number>();
          addTo(byType, type, matched);
          topicIn.set(target.name, byType);
          if (!busFanOut.has(target.name)) targetInvocations += matched;
        }
      }
    }
  }
  // Topics no rule feeds are published to directly (the status stream).
  for (const topic of structure.topics) {
    if (!topicIn.has(topic.name) && topic.subscriptions.length > 0)
      topicIn.set(topic.name, new Map([['OrderStatusChanged', orders * a.statusChangesPerOrder]]));
  }

  // SNS: publishes are billed, deliveries to SQS are free (standard) or cheap (FIFO).
  let snsPublishes = 0;
  let snsFifoPublishes = 0;
  let kmsRequests = 0;
  for (const topic of structure.topics) {
    const byType = topicIn.get(topic.name);
    if (!byType) continue;
    const published = sum(byType.values());
    let delivered = 0;
    for (const sub of topic.subscriptions) {
      const share = (type: string) =>
        typeShare(sub.filter, type, a.subscriptionShares, shortName(sub.queue), 'subscription of');
      const n = sum([...byType].map(([type, count]) => count * share(type)));
      addTo(queueIn, sub.queue, n);
      delivered += n;
      if (busFanOut.has(topic.name)) targetInvocations += n;
    }
    if (busFanOut.has(topic.name)) continue;
    if (topic.fifo) snsFifoPublishes += published;
    else snsPublishes += published * chunks;
    if (topic.fifo && published > 0) {
      add({
        service: 'SNS',
        item: `FIFO publishes and deliveries (${shortName(topic.name)})`,
        units: published,
        unit: 'publishes',
        usd:
          published * PRICES.snsFifoPublish.usd +
          gb(published * a.eventBytes) * PRICES.snsFifoPublishPayload.usd +
          delivered * PRICES.snsFifoDelivery.usd +
          gb(delivered * a.eventBytes) * PRICES.snsFifoDeliveryPayload.usd,
      });
    }
    if (topic.encrypted) kmsRequests += published * a.kmsRequestsPerEncryptedPublish;
  }
  if (snsPublishes > 0)
    add({
      service: 'SNS',
      item: 'publishes (standard topics; deliveries to SQS are free)',
      units: snsPublishes,
      unit: 'requests',
      usd: snsPublishes * PRICES.snsPublish.usd,
    });

  // SQS and the Lambda consumers behind the event source mappings.
  const usage = new Map<string, { invocations: number; records: number; billedMs: number }>();
  const use = (name: string, invocations: number, records: number, ms: number) => {
    const u = usage.get(name) ?? { invocations: 0, records: 0, billedMs: 0 };
    usage.set(name, {
      invocations: u.invocations + invocations,
      records: u.records + records,
      billedMs: u.billedMs + invocations * ms,
    });
  };
  const queues: QueueUsage[] = [];
  const sqs = { sends: { units: 0, usd: 0 }, polls: { units: 0, usd: 0 }, idle: { units: 0, usd: 0 } };
  const count = (c: { units: number; usd: number }, units: number, price: number) => {
    c.units += units;
    c.usd += units * price;
  };
  for (const queue of structure.queues) {
    const messages = queueIn.get(queue.name) ?? 0;
    const price = queue.fifo ? PRICES.sqsFifoRequest.usd : PRICES.sqsStandardRequest.usd;
    const mapping = structure.mappings.find((m) => m.queue === queue.name);
    count(sqs.sends, messages * chunks, price);
    if (!mapping) {
      if (messages > 0) queues.push({ name: queue.name, fifo: queue.fifo, messages });
      continue;
    }
    const fn = structure.functions.find((f) => f.name === mapping.function);
    if (!fn) throw new Error(`event source mapping of ${queue.name} names no function of the app.`);
    const b = batching({
      messages,
      batchSize: mapping.batchSize,
      windowSeconds: mapping.batchingWindowSeconds,
      unbatchedGatherSeconds: a.unbatchedGatherSeconds,
    });
    const idle = idleReceives(a.pollersPerMapping, a.longPollSeconds, b.receives);
    count(sqs.polls, (b.receives + b.deletes) * chunks, price);
    count(sqs.idle, idle, price);
    const d = durationOf(structure.functions, fn.name, a);
    use(fn.name, b.invocations, messages, d.perInvocationMs + d.perRecordMs * b.perInvocation);
    queues.push({
      name: queue.name,
      fifo: queue.fifo,
      messages,
      consumer: fn.name,
      perInvocation: b.perInvocation,
    });
  }

  // The saga: one execution per order, on the paths the assumptions weigh.
  const machine = structure.stateMachines[0];
  const paths = machine ? sagaPaths(machine, structure.functions, a) : [];
  const sagaType = machine?.type ?? 'STANDARD';
  const executions = machine ? orders : 0;
  let stateTransitions = 0;
  for (const path of paths) {
    const runs = executions * path.share;
    stateTransitions += runs * path.transitions;
    for (const task of path.tasks)
      use(task, runs, 0, durationOf(structure.functions, task, a).perInvocationMs);
  }
  if (machine && sagaType === 'STANDARD') {
    add({
      service: 'Step Functions',
      item: 'state transitions (Standard)',
      units: stateTransitions,
      unit: 'transitions',
      usd: stateTransitions * PRICES.sfnStandardTransition.usd,
    });
  } else if (machine) {
    let requests = 0;
    let duration = 0;
    let gbHours = 0;
    for (const path of paths) {
      const e = expressCost(executions * path.share, path.durationMs, a.expressMemoryMb);
      requests += e.requests;
      gbHours += e.gbHours;
      duration += e.duration;
    }
    add({
      service: 'Step Functions',
      item: 'executions (Express)',
      units: executions,
      unit: 'requests',
      usd: requests,
    });
    add({
      service: 'Step Functions',
      item: 'duration (Express)',
      units: gbHours,
      unit: 'GB-hours',
      usd: duration,
    });
  }
  const sqsItems = [
    ['sends (by EventBridge and SNS)', sqs.sends],
    ['receives and deletes (Lambda pollers)', sqs.polls],
    ['empty long polls of idle pollers', sqs.idle],
  ] as const;
  for (const [item, c] of sqsItems)
    add({ service: 'SQS', item, units: c.units, unit: 'requests', usd: c.usd });

  // Lambda and DynamoDB, per function.
  const functions: FunctionUsage[] = [];
  const gbSecondsByArch = { arm64: 0, x86_64: 0 };
  let invocations = 0;
  const tables = new Map<string, { reads: number; writes: number }>();
  for (const fn of structure.functions) {
    const u = usage.get(fn.name);
    if (!u || u.invocations === 0) continue;
    const architecture = options.architecture ?? fn.architecture;
    const durationMs = u.billedMs / u.invocations;
    const gbSeconds = lambdaGbSeconds(u.invocations, durationMs, fn.memoryMb);
    gbSecondsByArch[architecture] += gbSeconds;
    invocations += u.invocations;
    const calls = u.records > 0 ? u.records : u.invocations;
    for (const t of tableUnits(fn, calls, a)) {
      const before = tables.get(t.name) ?? { reads: 0, writes: 0 };
      tables.set(t.name, { reads: before.reads + t.reads, writes: before.writes + t.writes });
    }
    const mapping = structure.mappings.find((m) => m.function === fn.name);
    functions.push({
      name: fn.name,
      architecture,
      memoryMb: fn.memoryMb,
      invocations: u.invocations,
      records: u.records,
      durationMs,
      gbSeconds,
      ...(mapping?.maxConcurrency !== undefined ? { maxConcurrency: mapping.maxConcurrency } : {}),
    });
  }
  add({
    service: 'Lambda',
    item: 'requests',
    units: invocations,
    unit: 'invocations',
    usd: lambdaCost(invocations, 0, 'arm64').requests,
  });
  for (const architecture of ['arm64', 'x86_64'] as const) {
    const gbSeconds = gbSecondsByArch[architecture];
    if (gbSeconds > 0)
      add({
        service: 'Lambda',
        item: `compute (${architecture})`,
        units: gbSeconds,
        unit: 'GB-seconds',
        usd: lambdaCost(0, gbSeconds, architecture).compute,
      });
  }
  const table = {
    reads: sum([...tables.values()].map((t) => t.reads)),
    writes: sum([...tables.values()].map((t) => t.writes)),
  };
  add({
    service: 'DynamoDB',
    item: 'write request units (on-demand)',
    units: table.writes,
    unit: 'WRU',
    usd: table.writes * PRICES.dynamoWrite.usd,
  });
  add({
    service: 'DynamoDB',
    item: 'read request units (on-demand)',
    units: table.reads,
    unit: 'RRU',
    usd: table.reads * PRICES.dynamoRead.usd,
  });

  // CloudWatch: log ingestion scales with traffic; alarms and dashboards are monthly fees.
  const logBytes = invocations * a.lambdaLogBytesPerInvocation + stateTransitions * a.sfnLogBytesPerState;
  add({
    service: 'CloudWatch',
    item: 'logs ingested (Lambda, Step Functions)',
    units: gb(logBytes),
    unit: 'GB',
    usd: gb(logBytes) * PRICES.logsIngestion.usd,
  });
  const { alarms, dashboards, kmsKeys } = structure.counts;
  add({
    service: 'CloudWatch',
    item: 'alarms',
    units: alarms,
    unit: 'alarms',
    usd: alarms * PRICES.alarm.usd,
    fixed: true,
  });
  add({
    service: 'CloudWatch',
    item: 'dashboards',
    units: dashboards,
    unit: 'dashboards',
    usd: dashboards * PRICES.dashboard.usd,
    fixed: true,
  });
  add({
    service: 'KMS',
    item: 'customer managed keys',
    units: kmsKeys,
    unit: 'keys',
    usd: kmsKeys * PRICES.kmsKey.usd,
    fixed: true,
  });
  add({
    service: 'KMS',
    item: 'requests (encrypted topics)',
    units: kmsRequests,
    unit: 'requests',
    usd: kmsRequests * PRICES.kmsRequest.usd,
  });

  // X-Ray: each queue-triggered invocation and each execution starts a trace; the default
  // rule's reservoir is shared by the whole account.
  const roots =
    sum(
      functions
        .filter((f) => structure.mappings.some((m) => m.function === f.name))
        .map((f) => f.invocations),
    ) + executions;
  const traces =
    sampledPerSecond(roots / SECONDS_PER_MONTH, a.xrayReservoirPerSecond, a.xraySampleRate) *
    SECONDS_PER_MONTH;
  add({
    service: 'X-Ray',
    item: 'traces recorded',
    units: traces,
    unit: 'traces',
    usd: traces * PRICES.xrayTrace.usd,
  });

  return {
    orders,
    structure,
    lines,
    functions,
    queues,
    paths,
    tables: [...tables].map(([name, t]) => ({ name, ...t })),
    sagaType,
    volumes: {
      busEvents,
      targetInvocations,
      snsPublishes,
      snsFifoPublishes,
      sagaExecutions: executions,
      stateTransitions,
    },
    totalUsd: sum(lines.map((l) => l.usd)),
  };
}

/** Total USD of the lines of one service. */
export const serviceUsd = (report: CostReport, service: string): number =>
  sum(report.lines.filter((l) => l.service === service).map((l) => l.usd));
