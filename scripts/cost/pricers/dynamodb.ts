import { shortName } from '../../shared/resource-names.js';
import type { FunctionInfo } from '../app-structure.js';
import type { Assumptions } from '../assumptions.js';
import type { FunctionUsage, TableUsage } from '../model.js';
import { PRICES } from '../prices.js';
import type { EventStoreTraffic } from './event-store.js';
import { gb, type Ledger, sum } from './ledger.js';

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

/**
 * DynamoDB on demand: the request units each function's records (or invocations) cause, and
 * the event store's appends, per table; and the event store's storage, which only grows.
 */
export function priceDynamoDb(
  ledger: Ledger,
  functions: readonly FunctionUsage[],
  store: EventStoreTraffic,
): TableUsage[] {
  const tables = new Map<string, { reads: number; writes: number }>();
  const count = (t: TableUsage) => {
    const before = tables.get(t.name) ?? { reads: 0, writes: 0 };
    tables.set(t.name, { reads: before.reads + t.reads, writes: before.writes + t.writes });
  };
  for (const usage of functions) {
    const fn = ledger.structure.functions.find((f) => f.name === usage.name);
    if (!fn) continue;
    const calls = usage.records > 0 ? usage.records : usage.invocations;
    for (const t of tableUnits(fn, calls, ledger.a)) count(t);
  }
  if (store.table) count({ name: store.table, reads: store.readUnits, writes: store.writeUnits });
  const writes = sum([...tables.values()].map((t) => t.writes));
  const reads = sum([...tables.values()].map((t) => t.reads));
  ledger.add({
    service: 'DynamoDB',
    item: 'write request units (on-demand)',
    units: writes,
    unit: 'WRU',
    usd: writes * PRICES.dynamoWrite.usd,
  });
  ledger.add({
    service: 'DynamoDB',
    item: 'read request units (on-demand)',
    units: reads,
    unit: 'RRU',
    usd: reads * PRICES.dynamoRead.usd,
  });
  if (store.table) {
    const months = ledger.a.eventStoreMonths;
    const stored = gb(store.bytesAdded) * months;
    ledger.add({
      service: 'DynamoDB',
      item: `event store storage after ${months} months (events are kept)`,
      units: stored,
      unit: 'GB',
      usd: stored * PRICES.dynamoStorage.usd,
    });
  }
  return [...tables].map(([name, t]) => ({ name, ...t }));
}
