import { type OrderLogRecord, orderLogRecord } from '../../contracts/domain/order-log.js';
import { type OutboxEntry, OutboxEntrySchema } from '../../contracts/domain/outbox.js';
import { describeIssues } from '../shared/zod-issues.js';

/**
 * The outbox relay's logic: for each new event of the store, in stream order, publish the
 * integration events its append wrote beside it, each where it goes (the bus or the status
 * stream), then append all of them to the order log (Kafka, keyed by orderId). Stream order is
 * per aggregate, so an order's events leave, and land on the log, in the order they were
 * appended.
 *
 * Failure model, the same on AWS and on the local emulator:
 * - a record that can never be relayed (its outbox fails the contract) goes to the
 *   dead-letter port with the reason, and the batch goes on: the stream keeps moving;
 * - a publish that fails throws, and the whole batch comes back. The entries before it are
 *   published again with the same eventId and idempotency key, which consumers de-duplicate.
 *   No partial batch response: the emulator ignores one (the records after a failure would be
 *   lost), and on AWS bisect-on-error narrows a failing batch down instead.
 */

/** The part of a DynamoDB stream record the relay reads (NewImage already unmarshalled). */
export interface StoreRecord {
  readonly eventName?: string;
  /** The stream's own id of the record, for dead letters. */
  readonly recordId: string;
  readonly newImage?: Record<string, unknown>;
}

export interface RelayPorts {
  /** Put one integration event on the bus; rejects when EventBridge did not take it. */
  putOnBus(event: Extract<OutboxEntry, { destination: 'bus' }>['event']): Promise<void>;
  /** Publish one status change on the ordered stream; rejects when SNS did not take it. */
  publishStatus(event: Extract<OutboxEntry, { destination: 'status-stream' }>['event']): Promise<void>;
  /**
   * Append one record's integration events to the order log, in order; resolves once the log
   * acknowledged them all (acks from every in-sync replica), rejects otherwise.
   */
  appendToLog(records: readonly OrderLogRecord[]): Promise<void>;
  /** Keep a record that can never be relayed, with the reason. */
  deadLetter(record: StoreRecord, reason: string): Promise<void>;
}

export interface RelayReport {
  /** Integration events published to the bus or the status stream. */
  readonly published: number;
  /** Integration events appended to the order log. */
  readonly logged: number;
  /** Records dead-lettered (their reasons went with them). */
  readonly deadLettered: number;
  /** Records with nothing to relay: snapshots, events without an outbox, updates. */
  readonly skipped: number;
}

/** The outbox of one stream record: its entries, nothing to relay, or why it can never be relayed. */
export function outboxOf(
  record: StoreRecord,
): { kind: 'entries'; entries: OutboxEntry[] } | { kind: 'nothing' } | { kind: 'poison'; reason: string } {
  if (record.eventName !== 'INSERT' || !record.newImage) return { kind: 'nothing' };
  const outbox = record.newImage.outbox;
  if (outbox === undefined) return { kind: 'nothing' };
  if (!Array.isArray(outbox)) return { kind: 'poison', reason: 'outbox is not a list' };
  const entries: OutboxEntry[] = [];
  for (const [i, raw] of outbox.entries()) {
    const parsed = OutboxEntrySchema.safeParse(raw);
    if (!parsed.success)
      return { kind: 'poison', reason: `outbox entry ${i + 1}: ${describeIssues(parsed.error)}` };
    entries.push(parsed.data);
  }
  return { kind: 'entries', entries };
}

/**
 * Relay a batch of stream records, one after the other. `around` runs each record's publishing
 * (the handler puts the order's correlation keys on its log lines there).
 */
export async function relayRecords(
  records: readonly StoreRecord[],
  ports: RelayPorts,
  around: (
    record: StoreRecord,
    entries: readonly OutboxEntry[],
    publish: () => Promise<void>,
  ) => Promise<void> = (_record, _entries, publish) => publish(),
): Promise<RelayReport> {
  let published = 0;
  let logged = 0;
  let deadLettered = 0;
  let skipped = 0;
  for (const record of records) {
    const outbox = outboxOf(record);
    if (outbox.kind === 'nothing') {
      skipped += 1;
      continue;
    }
    if (outbox.kind === 'poison') {
      await ports.deadLetter(record, outbox.reason);
      deadLettered += 1;
      continue;
    }
    await around(record, outbox.entries, async () => {
      for (const entry of outbox.entries) {
        if (entry.destination === 'bus') await ports.putOnBus(entry.event);
        else await ports.publishStatus(entry.event);
        published += 1;
      }
      await ports.appendToLog(outbox.entries.map(orderLogRecord));
      logged += outbox.entries.length;
    });
  }
  return { published, logged, deadLettered, skipped };
}
