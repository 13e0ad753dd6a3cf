import { DOMAIN_EVENT_CATALOG } from '../../../contracts/domain/catalog.js';
import { shortName } from '../../shared/resource-names.js';
import type { Assumptions } from '../assumptions.js';
import type { SagaPath } from '../model.js';
import { BILLING } from '../prices.js';
import { type Ledger, sum } from './ledger.js';
import { sagaPaths } from './step-functions.js';

/** What one saga path appends to the event store for its order. */
export interface PathAppends {
  readonly name: string;
  readonly share: number;
  /** Domain events in order: one item, one append and one stream record each. */
  readonly events: readonly string[];
  /** The integration events their outboxes carry (detail types), in order. */
  readonly outbox: readonly string[];
  readonly writeUnits: number;
  readonly readUnits: number;
  /** What the order's events take in the table, with DynamoDB's overhead per item. */
  readonly storedBytes: number;
}

/** The event store's month: what DynamoDB, the table's stream and the relay's targets bill. */
export interface EventStoreTraffic {
  /** The table the saga tasks append to (their EVENT_STORE_TABLE), if the app has one. */
  readonly table: string | undefined;
  readonly paths: readonly PathAppends[];
  /** Domain events appended: items written, and records on the table's stream. */
  readonly events: number;
  readonly writeUnits: number;
  readonly readUnits: number;
  /** Bytes the month's events add to the table; they are kept (no TTL). */
  readonly bytesAdded: number;
  /** Outbox entries per detail type: what the relay publishes. */
  readonly outbox: Readonly<Record<string, number>>;
}

const OUTBOX_OF: ReadonlyMap<string, readonly string[]> = new Map(
  DOMAIN_EVENT_CATALOG.map((e) => [e.type, e.outbox]),
);

/** Request units of `bytes` at `unitBytes` a unit; DynamoDB bills at least one. */
const units = (bytes: number, unitBytes: number) => Math.max(1, Math.ceil(bytes / unitBytes));

/**
 * The request units and bytes of one order's events, appended one at a time as the fulfilment
 * store does: each append loads the order (the snapshot query, then its events so far) and
 * writes one transaction: the event's Put and, after the first, a ConditionCheck on the
 * version it read. Transactions bill two write units per KB of each item.
 */
export function appendsOf(
  events: readonly string[],
  a: Assumptions,
): Omit<PathAppends, 'name' | 'share' | 'events'> {
  const sizes: number[] = [];
  const outbox: string[] = [];
  let writeUnits = 0;
  let readUnits = 0;
  for (const type of events) {
    const entries = OUTBOX_OF.get(type);
    if (!entries) throw new Error(`no domain event '${type}' in contracts/domain/catalog.ts.`);
    const size = a.storedEventBytes + entries.length * a.outboxEntryBytes;
    const checked = sizes.at(-1);
    writeUnits += 2 * units(size, BILLING.dynamoWriteUnitBytes);
    if (checked !== undefined) writeUnits += 2 * units(checked, BILLING.dynamoWriteUnitBytes);
    // An empty query (no snapshot, no events yet) still bills one unit.
    readUnits += 1 + units(sum(sizes), BILLING.dynamoReadUnitBytes);
    sizes.push(size);
    outbox.push(...entries);
  }
  return {
    outbox,
    writeUnits,
    readUnits,
    storedBytes: sum(sizes) + sizes.length * BILLING.dynamoItemOverheadBytes,
  };
}

/** The events a path's tasks append, in order; tasks without an event store append none. */
function pathEvents(path: SagaPath, ledger: Ledger, stores: Set<string>): string[] {
  const { structure, a } = ledger;
  return path.tasks.flatMap((task) => {
    const store = structure.functions.find((f) => f.name === task)?.eventStoreTable;
    if (!store) return [];
    stores.add(store);
    const step = a.stepEvents[shortName(task)];
    if (!step) throw new Error(`no event-store assumption (stepEvents) for saga task '${shortName(task)}'.`);
    if (task !== path.refusedBy) return [...step.done];
    if (!step.refused)
      throw new Error(
        `saga task '${shortName(task)}' refuses on path '${path.name}': give its refused events.`,
      );
    return [...step.refused];
  });
}

/**
 * The event store's traffic, from the saga's paths: each task's events (stepEvents, read from
 * the fulfilment steps) and each event's outbox (the domain catalog). It adds no line items:
 * DynamoDB bills the appends and the storage, the stream's trigger runs the relay, and the
 * bus and the status topic bill what the relay publishes.
 */
export function eventStoreTraffic(ledger: Ledger): EventStoreTraffic {
  const { structure, orders, a } = ledger;
  const machine = structure.stateMachines[0];
  const stores = new Set<string>();
  const paths: PathAppends[] = (machine ? sagaPaths(machine, structure.functions, a) : []).map((path) => {
    const events = pathEvents(path, ledger, stores);
    return { name: path.name, share: path.share, events, ...appendsOf(events, a) };
  });
  if (stores.size > 1)
    throw new Error(
      `the saga appends to ${stores.size} event stores (${[...stores].join(', ')}); the model prices one.`,
    );
  const monthly = (f: (p: PathAppends) => number) => sum(paths.map((p) => orders * p.share * f(p)));
  const outbox: Record<string, number> = {};
  for (const p of paths) for (const type of p.outbox) outbox[type] = (outbox[type] ?? 0) + orders * p.share;
  return {
    table: [...stores][0],
    paths,
    events: monthly((p) => p.events.length),
    writeUnits: monthly((p) => p.writeUnits),
    readUnits: monthly((p) => p.readUnits),
    bytesAdded: monthly((p) => p.storedBytes),
    outbox,
  };
}
