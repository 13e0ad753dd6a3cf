import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod/mini';
import { describeIssues } from './zod-issues.js';

/**
 * An event store on one DynamoDB table (partition key `aggregateId`, sort key `version`):
 * append-only, with optimistic concurrency, several events per atomic append, snapshots every
 * N events, and an outbox (integration events written in the same transaction as the domain
 * events that cause them; a relay publishes them from the table's stream).
 */

/** DynamoDB's cap on the actions of one TransactWriteItems. */
export const MAX_TRANSACTION_ITEMS = 100;
/** Snapshots live beside the events, under their own partition key. */
export const snapshotKey = (aggregateId: string): string => `${aggregateId}#snapshot`;

/** An event as stored: the domain event with its aggregate, version, id and time. */
export interface StoredEvent<E> {
  readonly aggregateId: string;
  readonly version: number;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly event: E;
  /** Integration events this append caused; only on the last event of an append. */
  readonly outbox?: readonly unknown[];
}

/** How to fold an aggregate's events into its state: what snapshots store. */
export interface Fold<E, S> {
  initial(aggregateId: string): S;
  apply(state: S, event: E): S;
}

export interface EventStoreOptions<E, S> {
  readonly tableName: string;
  /** The domain events' schema: an event it refuses is never stored. */
  readonly schema: z.ZodMiniType<E>;
  readonly fold: Fold<E, S>;
  /** Write a snapshot every this many events; 0 for none. @default 0 */
  readonly snapshotEvery?: number;
  /** @default () => new Date().toISOString() */
  readonly now?: () => string;
  /** @default crypto.randomUUID */
  readonly newId?: () => string;
}

/** Another writer appended first: reload and decide again. */
export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
  constructor(
    readonly aggregateId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(
      `concurrent append to ${aggregateId}: expected version ${expectedVersion}, the store is at ${actualVersion}`,
    );
  }
}

/** A write `alongside` the events was refused by its condition: nothing was written. */
export class ConditionFailedError extends Error {
  override readonly name = 'ConditionFailedError';
}

/** A domain event its schema refuses: never stored. */
export class MalformedEventError extends Error {
  override readonly name = 'MalformedEventError';
}

/** More events than one transaction takes: nothing is written. */
export class TransactionTooLargeError extends Error {
  override readonly name = 'TransactionTooLargeError';
}

export interface Loaded<E, S> {
  readonly aggregateId: string;
  /** The version of the last event (0: none yet). */
  readonly version: number;
  readonly state: S;
  /** The events after the snapshot the state started from (all of them without one). */
  readonly events: readonly StoredEvent<E>[];
  /** The version of the snapshot the state started from, if any. */
  readonly snapshotVersion?: number;
}

export interface Append<E> {
  readonly aggregateId: string;
  /** The version the caller decided on; the append fails with ConcurrencyError otherwise. */
  readonly expectedVersion: number;
  readonly events: readonly E[];
  readonly outbox?: readonly unknown[];
  /**
   * Writes to other items that must land with the events or not at all (e.g. the stock a
   * reservation takes). Their conditions failing cancels the append with a ConditionFailedError.
   */
  readonly alongside?: NonNullable<TransactWriteCommandInput['TransactItems']>;
}

type Client = Pick<DynamoDBDocumentClient, 'send'>;

export class EventStoreClient<E, S> {
  readonly #snapshotEvery: number;
  readonly #now: () => string;
  readonly #newId: () => string;

  constructor(
    private readonly client: Client,
    private readonly options: EventStoreOptions<E, S>,
  ) {
    this.#snapshotEvery = options.snapshotEvery ?? 0;
    this.#now = options.now ?? (() => new Date().toISOString());
    this.#newId = options.newId ?? (() => crypto.randomUUID());
  }

  /** The aggregate's state: the latest snapshot plus the events after it (consistent reads). */
  async load(aggregateId: string): Promise<Loaded<E, S>> {
    const { fold } = this.options;
    const snapshot = (await this.#query(snapshotKey(aggregateId), { newestFirst: true, limit: 1 }))[0];
    const after = typeof snapshot?.version === 'number' ? snapshot.version : 0;
    const items = await this.#query(aggregateId, { after });
    const events = items.map((item) => this.#stored(item));
    const start = snapshot ? (snapshot.state as S) : fold.initial(aggregateId);
    return {
      aggregateId,
      version: events.at(-1)?.version ?? after,
      state: events.reduce((s, e) => fold.apply(s, e.event), start),
      events,
      ...(snapshot ? { snapshotVersion: after } : {}),
    };
  }

  /** Every event of an aggregate, oldest first, whatever the snapshots (history, rebuilds). */
  async history(aggregateId: string): Promise<StoredEvent<E>[]> {
    return (await this.#query(aggregateId, {})).map((item) => this.#stored(item));
  }

  /**
   * Every aggregate's events, oldest first, from a scan of the whole table (snapshots left
   * out), for rebuilding projections. `onPage` hears how many items each page held.
   */
  async allAggregates(onPage: (items: number) => void = () => {}): Promise<Map<string, StoredEvent<E>[]>> {
    const byAggregate = new Map<string, StoredEvent<E>[]>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.options.tableName,
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        if (String(item.aggregateId).endsWith(snapshotKey(''))) continue;
        const event = this.#stored(item);
        const events = byAggregate.get(event.aggregateId) ?? [];
        if (events.length === 0) byAggregate.set(event.aggregateId, events);
        events.push(event);
      }
      onPage(page.Items?.length ?? 0);
      start = page.LastEvaluatedKey;
    } while (start);
    for (const events of byAggregate.values()) events.sort((a, b) => a.version - b.version);
    return byAggregate;
  }

  /**
   * Append events at `expectedVersion + 1…` in one transaction, the outbox on the last one and
   * a snapshot when the append crosses a multiple of `snapshotEvery`. All or nothing.
   */
  async append(append: Append<E>, current?: Loaded<E, S>): Promise<number> {
    const input = this.plan(append, current);
    try {
      await this.client.send(new TransactWriteCommand(input));
    } catch (error) {
      if (error instanceof TransactionCanceledException && alongsideRefused(error, append)) {
        throw new ConditionFailedError(
          `an append to ${append.aggregateId} was refused: a write alongside it failed its condition`,
        );
      }
      if (error instanceof TransactionCanceledException && isConflict(error)) {
        throw new ConcurrencyError(
          append.aggregateId,
          append.expectedVersion,
          await this.#latestVersion(append.aggregateId),
        );
      }
      throw error;
    }
    return append.expectedVersion + append.events.length;
  }

  /** The TransactWriteItems of an append; throws before anything is sent when it cannot be written. */
  plan(append: Append<E>, current?: Loaded<E, S>): TransactWriteCommandInput {
    const { tableName, schema, fold } = this.options;
    const { aggregateId, expectedVersion, events } = append;
    if (events.length === 0)
      throw new MalformedEventError(`an append to ${aggregateId} needs at least one event`);
    const parsed = events.map((event, i) => {
      const result = schema.safeParse(event);
      if (!result.success)
        throw new MalformedEventError(
          `event ${i + 1} of the append to ${aggregateId} is invalid: ${describeIssues(result.error)}`,
        );
      return result.data;
    });
    // With the state the caller decided on, the fold refuses an impossible history here too.
    if (current) parsed.reduce(fold.apply, current.state);
    const last = expectedVersion + parsed.length;
    const snapshotAt =
      this.#snapshotEvery > 0 ? Math.floor(last / this.#snapshotEvery) * this.#snapshotEvery : 0;
    const snapshot = snapshotAt > expectedVersion && current !== undefined;
    // The version the caller read must exist, so that no append can leave a gap.
    const alongside = append.alongside ?? [];
    const actions = parsed.length + (expectedVersion > 0 ? 1 : 0) + (snapshot ? 1 : 0) + alongside.length;
    if (actions > MAX_TRANSACTION_ITEMS)
      throw new TransactionTooLargeError(
        `an append to ${aggregateId} of ${parsed.length} events needs ${actions} transaction items; DynamoDB takes at most ${MAX_TRANSACTION_ITEMS}. Split the decision into smaller appends.`,
      );
    const occurredAt = this.#now();
    const items: NonNullable<TransactWriteCommandInput['TransactItems']> = parsed.map((event, i) => ({
      Put: {
        TableName: tableName,
        Item: {
          aggregateId,
          version: expectedVersion + i + 1,
          eventId: this.#newId(),
          occurredAt,
          event,
          ...(i === parsed.length - 1 && append.outbox?.length ? { outbox: append.outbox } : {}),
        },
        ConditionExpression: 'attribute_not_exists(version)',
      },
    }));
    if (expectedVersion > 0)
      items.push({
        ConditionCheck: {
          TableName: tableName,
          Key: { aggregateId, version: expectedVersion },
          ConditionExpression: 'attribute_exists(version)',
        },
      });
    if (snapshot && current) {
      // The state at the snapshot's version: the current state plus the new events up to it.
      const state = parsed.slice(0, snapshotAt - expectedVersion).reduce(fold.apply, current.state);
      items.push({
        Put: {
          TableName: tableName,
          Item: { aggregateId: snapshotKey(aggregateId), version: snapshotAt, state },
        },
      });
    }
    // Last, so that alongsideRefused can find their cancellation reasons by position.
    items.push(...alongside);
    return { TransactItems: items };
  }

  async #latestVersion(aggregateId: string): Promise<number> {
    const [latest] = await this.#query(aggregateId, { newestFirst: true, limit: 1 });
    return typeof latest?.version === 'number' ? latest.version : 0;
  }

  async #query(
    aggregateId: string,
    { after = 0, newestFirst = false, limit }: { after?: number; newestFirst?: boolean; limit?: number },
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: 'aggregateId = :id AND version > :after',
          ExpressionAttributeValues: { ':id': aggregateId, ':after': after },
          ConsistentRead: true,
          ScanIndexForward: !newestFirst,
          ExclusiveStartKey: start,
          ...(limit ? { Limit: limit } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      start = limit && items.length >= limit ? undefined : page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  #stored(item: Record<string, unknown>): StoredEvent<E> {
    return {
      aggregateId: String(item.aggregateId),
      version: Number(item.version),
      eventId: String(item.eventId),
      occurredAt: String(item.occurredAt),
      event: item.event as E,
      ...(Array.isArray(item.outbox) ? { outbox: item.outbox } : {}),
    };
  }
}

/** Whether the writes alongside the events (the last items of the transaction) failed their conditions. */
function alongsideRefused(error: TransactionCanceledException, append: Append<unknown>): boolean {
  const count = append.alongside?.length ?? 0;
  if (count === 0) return false;
  const reasons = error.CancellationReasons ?? [];
  const own = reasons.slice(0, reasons.length - count);
  return (
    own.every((r) => (r.Code ?? 'None') === 'None') &&
    reasons.slice(-count).some((r) => r.Code === 'ConditionalCheckFailed')
  );
}

/** A cancelled append lost to another writer (its version taken, or a transaction on the same items). */
function isConflict(error: TransactionCanceledException): boolean {
  return (error.CancellationReasons ?? []).some(
    (r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict',
  );
}

/**
 * Load, decide, append; on a ConcurrencyError load again and decide again, at most
 * `maxAttempts` times. `decide` returns nothing when there is nothing to append (a repeat).
 */
export async function appendWithRetry<E, S>(
  store: EventStoreClient<E, S>,
  aggregateId: string,
  decide: (loaded: Loaded<E, S>) => Omit<Append<E>, 'aggregateId' | 'expectedVersion'> | undefined,
  { maxAttempts = 5 }: { maxAttempts?: number } = {},
): Promise<{ version: number; appended: number; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    const loaded = await store.load(aggregateId);
    const decision = decide(loaded);
    if (!decision || decision.events.length === 0)
      return { version: loaded.version, appended: 0, attempts: attempt };
    try {
      const version = await store.append(
        { ...decision, aggregateId, expectedVersion: loaded.version },
        loaded,
      );
      return { version, appended: decision.events.length, attempts: attempt };
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= maxAttempts) throw error;
    }
  }
}
