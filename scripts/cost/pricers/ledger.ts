import { shortName } from '../../shared/resource-names.js';
import type { AppStructure, FunctionInfo } from '../app-structure.js';
import type { Assumptions } from '../assumptions.js';
import type { LineItem, ModelOptions } from '../model.js';

/** What every pricer reads, and the one place it writes its line items to. */
export interface Ledger {
  readonly structure: AppStructure;
  readonly orders: number;
  readonly a: Assumptions;
  readonly options: ModelOptions;
  /** Billing chunks (64 KB) of one event. */
  readonly chunks: number;
  /** Topics replaced by bus rules in this variant (ModelOptions.busFanOutFor). */
  readonly busFanOut: ReadonlySet<string>;
  add(line: LineItem): void;
}

export const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);
export const gb = (bytes: number): number => bytes / 1024 ** 3;
export const addTo = (map: Map<string, number>, key: string, n: number): Map<string, number> =>
  map.set(key, (map.get(key) ?? 0) + n);

/** What the month's traffic asks of one function. */
export interface Load {
  readonly invocations: number;
  readonly records: number;
  readonly billedMs: number;
  /** Its records per detail type, where every source of them tells them apart (the Kafka log). */
  readonly recordsByType?: Readonly<Record<string, number>>;
}

/** Invocations, records and billed ms per function, as the queues, streams, log and saga drive them. */
export class FunctionLoad {
  private readonly byName = new Map<string, Load>();

  use(
    name: string,
    invocations: number,
    records: number,
    msPerInvocation: number,
    recordsByType?: Readonly<Record<string, number>>,
  ): void {
    const u = this.get(name) ?? { invocations: 0, records: 0, billedMs: 0 };
    // The types are known only while every source of records told them.
    const told = (n: number, byType: unknown) => n === 0 || byType !== undefined;
    let types: Record<string, number> | undefined;
    if (
      told(u.records, u.recordsByType) &&
      told(records, recordsByType) &&
      (u.recordsByType || recordsByType)
    ) {
      types = { ...u.recordsByType };
      for (const [type, n] of Object.entries(recordsByType ?? {})) types[type] = (types[type] ?? 0) + n;
    }
    this.byName.set(name, {
      invocations: u.invocations + invocations,
      records: u.records + records,
      billedMs: u.billedMs + invocations * msPerInvocation,
      ...(types ? { recordsByType: types } : {}),
    });
  }

  get(name: string): Load | undefined {
    return this.byName.get(name);
  }
}

/** The duration assumption of one of the app's functions. */
export function durationOf(functions: readonly FunctionInfo[], name: string, a: Assumptions) {
  if (!functions.some((f) => f.name === name)) throw new Error(`no function '${name}' in the app.`);
  const d = a.durations[shortName(name)];
  if (!d) throw new Error(`no duration assumption for function '${shortName(name)}'.`);
  return d;
}

/** Keys of a filter or pattern that are about content, not about the event's type. */
const contentKeys = (filter: Record<string, unknown>) =>
  Object.keys(filter).filter((k) => k !== 'detail-type' && k !== 'source');

/** The share of events of `type` a rule pattern or subscription filter lets through. */
export function typeShare(
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
