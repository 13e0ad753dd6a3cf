import type { KafkaMessage } from 'kafkajs';
import { type FetchedBatch, mskEvent, type PlainMskEvent } from './msk-event.js';

/**
 * The local stand-in for Lambda's Amazon MSK event source, for one partition's batch: what the
 * emulator lacks (it rejects MSK event source mappings). It keeps the AWS event source's
 * contract in provisioned mode, with the settings the KafkaConsumer pattern gives it:
 * - the function gets the batch as an MSK event; the offsets are committed only after it
 *   succeeded, so a crash of the poller or the function delivers the records again;
 * - a failed invocation is retried up to `retryAttempts` times; with `bisectBatchOnError` a
 *   function error first halves the batch and delivers each half (a split does not count as a
 *   retry), so a bad record is narrowed down instead of sending its neighbours away with it;
 * - with `reportBatchItemFailures`, a response naming failed records retries from the first of
 *   them, and the records before it count as done;
 * - a record whose retries are spent goes to the on-failure destination, one failure record
 *   per record (its offset and time, not its content, for an SQS destination), and the
 *   partition moves past it.
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html)
 */

export interface PollerSettings {
  readonly eventSourceArn: string;
  readonly bootstrapServers: readonly string[];
  /** Retries after the first invocation. */
  readonly retryAttempts: number;
  readonly bisectBatchOnError: boolean;
  readonly reportBatchItemFailures: boolean;
}

/** What an invocation came to: success (maybe naming failed records) or a function error. */
export type InvokeResult =
  | { readonly ok: true; readonly failedOffsets?: readonly number[] }
  | { readonly ok: false; readonly error: string };

export interface PollerPorts {
  invoke(event: PlainMskEvent): Promise<InvokeResult>;
  /** Commit `offset` (the next one to read) for the batch's partition. */
  commit(topic: string, partition: number, offset: number): Promise<void>;
  /** Send one record's failure record to the on-failure destination. */
  sendFailure(record: FailureRecord): Promise<void>;
}

/** What Lambda sends an SQS on-failure destination for a Kafka record whose retries are spent. */
export interface FailureRecord {
  readonly requestContext: {
    readonly condition: 'RetryAttemptsExhausted';
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: { readonly functionError: string };
  readonly version: '1.0';
  readonly timestamp: string;
  readonly KafkaBatchInfo: {
    readonly batchSize: 1;
    readonly eventSourceArn: string;
    readonly bootstrapServers: string;
    readonly recordInfo: { readonly offset: string; readonly timestamp: string };
  };
}

export interface BatchOutcome {
  readonly invocations: number;
  /** Offsets sent to the on-failure destination. */
  readonly failed: readonly number[];
  /** The offset committed at the end (the next to read). */
  readonly committed: number;
}

/**
 * Deliver one partition's batch as the event source would, then commit past it. Records go to
 * the function in offset order; a part of the batch is retried only while its attempts last.
 */
export async function deliverBatch(
  batch: FetchedBatch,
  settings: PollerSettings,
  ports: PollerPorts,
  now: () => Date = () => new Date(),
): Promise<BatchOutcome> {
  const failed: number[] = [];
  let invocations = 0;
  const offsetOf = (m: KafkaMessage) => Number(m.offset);
  const invoke = (messages: readonly KafkaMessage[]) => {
    invocations += 1;
    return ports.invoke(
      mskEvent({
        eventSourceArn: settings.eventSourceArn,
        bootstrapServers: settings.bootstrapServers,
        batches: [{ ...batch, messages }],
      }),
    );
  };
  const giveUp = async (messages: readonly KafkaMessage[], attempts: number, error: string) => {
    for (const m of messages) {
      await ports.sendFailure({
        requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: attempts },
        responseContext: { functionError: error },
        version: '1.0',
        timestamp: now().toISOString(),
        KafkaBatchInfo: {
          batchSize: 1,
          eventSourceArn: settings.eventSourceArn,
          bootstrapServers: settings.bootstrapServers.join(','),
          recordInfo: { offset: m.offset, timestamp: new Date(Number(m.timestamp)).toISOString() },
        },
      });
      failed.push(offsetOf(m));
    }
  };

  /** Deliver `messages` with `attempts` already used on them. */
  const deliver = async (messages: readonly KafkaMessage[], attempts: number): Promise<void> => {
    if (messages.length === 0) return;
    const result = await invoke(messages);
    const used = attempts + 1;
    let retry: readonly KafkaMessage[] = [];
    let error = '';
    if (!result.ok && settings.bisectBatchOnError && messages.length > 1) {
      const half = Math.ceil(messages.length / 2);
      await deliver(messages.slice(0, half), attempts);
      await deliver(messages.slice(half), attempts);
      return;
    }
    if (result.ok) {
      const first = settings.reportBatchItemFailures ? Math.min(...(result.failedOffsets ?? [])) : Number.NaN;
      if (!Number.isFinite(first)) return;
      retry = messages.filter((m) => offsetOf(m) >= first);
      error = 'reported as a batch item failure';
    } else {
      retry = messages;
      error = result.error;
    }
    if (used > settings.retryAttempts) return giveUp(retry, used, error);
    await deliver(retry, used);
  };

  await deliver(
    [...batch.messages].sort((a, b) => offsetOf(a) - offsetOf(b)),
    0,
  );
  const last = batch.messages.reduce((max, m) => Math.max(max, offsetOf(m)), -1);
  const committed = last + 1;
  if (last >= 0) await ports.commit(batch.topic, batch.partition, committed);
  return { invocations, failed, committed };
}
