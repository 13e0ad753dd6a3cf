import { shortName } from '../../shared/resource-names.js';
import type { FunctionInfo } from '../app-structure.js';
import type { Assumptions, TableWork } from '../assumptions.js';
import type { FunctionUsage, TableUsage } from '../model.js';
import { BILLING, PRICES } from '../prices.js';
import type { EventStoreTraffic } from './event-store.js';
import { gb, type Ledger, sum } from './ledger.js';

/** A function's calls (or records) in the month, and those of them each detail type. */
interface Calls {
  readonly all: number;
  readonly byType?: Readonly<Record<string, number>>;
}

/** The calls that do a function's table work: all of them, or only its records of `onlyFor`. */
function workingCalls(fn: FunctionInfo, work: TableWork, calls: Calls): number {
  if (!work.onlyFor) return calls.all;
  const byType = calls.byType;
  if (!byType)
    throw new Error(
      `function '${shortName(fn.name)}' works on ${work.onlyFor.join(', ')} only, but its source does not tell its records' types.`,
    );
  return sum(work.onlyFor.map((type) => byType[type] ?? 0));
}

/** DynamoDB request units a function's calls cause, per table, and the bytes they leave in its table. */
function tableUnits(fn: FunctionInfo, calls: Calls, a: Assumptions): { units: TableUsage[]; kept: number } {
  const work = a.tableWork[shortName(fn.name)];
  if (!work) throw new Error(`no DynamoDB assumption for function '${shortName(fn.name)}'.`);
  const units: TableUsage[] = [];
  // Powertools records every call, whether or not it does the table work.
  if (fn.idempotencyTable)
    units.push({ name: fn.idempotencyTable, reads: 0, writes: calls.all * a.idempotencyWritesPerCall });
  const writes = work.writes + (work.writesPerSku ?? 0) * a.skusPerOrder;
  const working = workingCalls(fn, work, calls);
  if (work.reads + writes > 0) {
    if (!fn.dataTable) throw new Error(`function '${fn.name}' is assumed to use a table but has none.`);
    units.push({ name: fn.dataTable, reads: working * work.reads, writes: working * writes });
  }
  const kept = work.keptBytes ? working * (work.keptBytes + BILLING.dynamoItemOverheadBytes) : 0;
  return { units, kept };
}

/**
 * DynamoDB on demand: the request units each function's records (or invocations) cause, and
 * the event store's appends, per table; and the storage of what is never deleted: the event
 * store's events, and the items functions assume kept (TableWork.keptBytes).
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
  const kept = new Map<string, { bytes: number; by: string[] }>();
  for (const usage of functions) {
    const fn = ledger.structure.functions.find((f) => f.name === usage.name);
    if (!fn) continue;
    const calls = {
      all: usage.records > 0 ? usage.records : usage.invocations,
      ...(usage.recordsByType ? { byType: usage.recordsByType } : {}),
    };
    const work = tableUnits(fn, calls, ledger.a);
    for (const t of work.units) count(t);
    if (work.kept > 0 && fn.dataTable) {
      const table = kept.get(fn.dataTable) ?? { bytes: 0, by: [] };
      kept.set(fn.dataTable, { bytes: table.bytes + work.kept, by: [...table.by, shortName(fn.name)] });
    }
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
  const months = ledger.a.eventStoreMonths;
  if (store.table) {
    const stored = gb(store.bytesAdded) * months;
    ledger.add({
      service: 'DynamoDB',
      item: `event store storage after ${months} months (events are kept)`,
      units: stored,
      unit: 'GB',
      usd: stored * PRICES.dynamoStorage.usd,
    });
  }
  for (const [table, k] of kept) {
    const stored = gb(k.bytes) * months;
    ledger.add({
      service: 'DynamoDB',
      item: `${shortName(table)} table storage after ${months} months (kept: the items of ${k.by.join(', ')})`,
      units: stored,
      unit: 'GB',
      usd: stored * PRICES.dynamoStorage.usd,
    });
  }
  return [...tables].map(([name, t]) => ({ name, ...t }));
}
