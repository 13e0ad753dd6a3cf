import { ORDER_LOG_GROUPS } from '../../lib/stacks/order-log-stack.js';
import { textTable } from '../shared/table.js';
import { assembleTrace } from './hops.js';
import type { LogRecord } from './log-records.js';
import type { OrderTrace } from './model.js';
import { connectSources, type TraceOptions, type TraceSources } from './sources.js';

export type { OrderTrace, TraceHop } from './model.js';
export type { TraceOptions, TraceSources } from './sources.js';

/**
 * Every hop of one order, found by its orderId or by a correlationId of its flow: the log
 * lines of the app's functions, its saga's history, its event store and the order log's
 * stores. Undefined when nothing knows the id.
 */
export async function traceOrder(id: string, options: TraceOptions = {}): Promise<OrderTrace | undefined> {
  return traceWith(id, await connectSources(options), options.onProgress);
}

/** The trace of `id` from the sources given (what traceOrder connects to, or a test's fakes). */
export async function traceWith(
  id: string,
  sources: TraceSources,
  say: (message: string) => void = () => {},
): Promise<OrderTrace | undefined> {
  say(`reading the lines of ${id}`);
  let logs = await sources.read(id);
  const orderId = logs.map((r) => r.fields.orderId).find((o): o is string => typeof o === 'string') ?? id;
  // Asked for a correlationId: the order's other flows (its outcome, its status changes) too.
  if (orderId !== id) logs = merge(logs, await sources.read(orderId));

  say(`reading the saga, the event store and the order log of ${orderId}`);
  const [saga, store] = await Promise.all([sources.saga(orderId), sources.store(orderId)]);
  if (logs.length === 0 && !saga && store.length === 0) return undefined;
  const [audit, saleCounted, deadLetters] = await Promise.all([
    sources.audit(orderId),
    sources.saleCounted(orderId),
    sources.deadLetters(logs, orderId),
  ]);
  return assembleTrace({
    id,
    orderId,
    source: sources.source,
    topology: sources.topology,
    logs,
    ...(sources.busName ? { busName: sources.busName } : {}),
    ...(sources.topic ? { topic: sources.topic } : {}),
    ...(saga ? { saga } : {}),
    store,
    audit,
    // The order log's groups whose stores show the order, for when their lines are missing.
    groupsInStore: [
      ...(audit.length > 0 ? [ORDER_LOG_GROUPS.audit] : []),
      ...(saleCounted ? [ORDER_LOG_GROUPS.sales] : []),
    ],
    deadLetters,
  });
}

const merge = (a: readonly LogRecord[], b: readonly LogRecord[]): LogRecord[] => {
  const key = (r: LogRecord) => `${r.logGroup}|${r.at}|${r.message}|${String(r.fields.messageId ?? '')}`;
  const seen = new Set(a.map(key));
  return [...a, ...b.filter((r) => !seen.has(key(r)))];
};

const clock = (iso: string) => iso.slice(11, 23);
const duration = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`);

/** The trace as text: a header, one row per hop (time, latency, kind, where, outcome, what), the total. */
export function formatTrace(trace: OrderTrace): string {
  const first = trace.hops[0];
  const asked = trace.id === trace.orderId ? '' : ` (asked for ${trace.id})`;
  const header = [
    `Order ${trace.orderId}${asked}: ${trace.hops.length} hop(s)${first ? ` from ${first.at.slice(0, 10)}` : ''}, read from the ${trace.source === 'aws' ? 'AWS account' : 'emulator'}`,
    ...(trace.correlationIds.length > 0 ? [`correlation: ${trace.correlationIds.join(', ')}`] : []),
  ];
  const rows = trace.hops.map((h) => [
    clock(h.at),
    h.latencyMs === undefined ? '' : `+${h.latencyMs}`,
    h.kind,
    h.where,
    h.outcome,
    h.summary,
  ]);
  return [
    ...header,
    '',
    textTable(rows, { header: ['TIME', '+MS', 'KIND', 'WHERE', 'OUTCOME', 'WHAT'], indent: '  ' }),
    '',
    `Total: ${duration(trace.totalMs)} from the first hop to the last.`,
  ].join('\n');
}
