import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { kafkaConsumer } from '@aws-lambda-powertools/kafka';
import type { ConsumerRecord, MSKEvent } from '@aws-lambda-powertools/kafka/types';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import type { z } from 'zod/mini';
import { FAILURE_REASON_ATTRIBUTE } from './dead-letter.js';
import { requireEnv } from './env.js';
import { PoisonMessageError } from './errors.js';
import { injectFault } from './faults.js';
import { idempotent } from './idempotency.js';
import { withCorrelation } from './log-context.js';
import { LOG_LINES } from './log-lines.js';
import { logger, metrics } from './powertools.js';
import { sqsClient } from './sqs-client.js';
import { idempotencyKeyOf } from './sqs-consumer.js';
import { describeIssues } from './zod-issues.js';

/** Where a Kafka record is in its log: what a redrive needs to read it again. */
export interface RecordPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
}

/** Where a consumer puts a record it has proven can never succeed, with the reason. */
export interface KafkaFailureSink {
  send(
    position: RecordPosition,
    original: { key?: string | null; value?: string | null },
    reason: string,
  ): Promise<void>;
}

/**
 * Sends the record's position and its original bytes (base64, as the event carried them) to
 * the consumer's on-failure queue, the one the event source sends batches it gave up on to,
 * with the reason as a message attribute.
 */
export class SqsKafkaFailureSink implements KafkaFailureSink {
  constructor(private readonly queueUrl: string) {}

  async send(
    position: RecordPosition,
    original: { key?: string | null; value?: string | null },
    reason: string,
  ) {
    await sqsClient().send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify({
          ...position,
          key: original.key ?? null,
          value: original.value ?? null,
        }),
        MessageAttributes: {
          [FAILURE_REASON_ATTRIBUTE]: { DataType: 'String', StringValue: reason.slice(0, 1024) },
        },
      }),
    );
  }
}

export interface KafkaConsumerOptions<TSchema extends z.ZodMiniType, TResult> {
  /** The record value's schema; a value that is not JSON or fails it goes to the failure sink. */
  readonly schema: TSchema;
  /**
   * The business logic for one record. Throw to have the batch retried (the records before it
   * are absorbed by idempotency); throw a PoisonMessageError to send it to the failure sink.
   */
  readonly handle: (event: z.infer<TSchema>, position: RecordPosition) => Promise<TResult>;
  /** @default SqsKafkaFailureSink on FAILURE_QUEUE_URL */
  readonly failures?: KafkaFailureSink;
  /** @default DynamoDBPersistenceLayer on IDEMPOTENCY_TABLE_NAME */
  readonly persistenceStore?: BasePersistenceLayer;
}

export type KafkaConsumerHandler = (event: MSKEvent, context: Context) => Promise<unknown>;

/**
 * A record's position for a log line: `timestamp` is a key Powertools keeps for the line's own
 * time (it drops ours with a warning), so the append time goes as `appendedAt`.
 */
export const logFields = ({ timestamp, ...position }: RecordPosition) => ({
  ...position,
  appendedAt: new Date(timestamp).toISOString(),
  group: process.env.KAFKA_CONSUMER_GROUP,
});

type Parsed<T> = { ok: true; event: T } | { ok: false; reason: string };

/** The deserialised value (Powertools hands back the text when it is not JSON) against the schema. */
export function parseValue<TSchema extends z.ZodMiniType>(
  schema: TSchema,
  record: Pick<ConsumerRecord<unknown, unknown>, 'value'>,
): Parsed<z.infer<TSchema>> {
  const value = record.value;
  if (value === null || value === undefined) return { ok: false, reason: 'the record has no value' };
  if (typeof value === 'string') return { ok: false, reason: 'value is not valid JSON' };
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, event: result.data };
  return { ok: false, reason: `schema validation failed: ${describeIssues(result.error, 'value')}` };
}

/**
 * The Lambda adapter shared by the consumers of the order log (MSK event source):
 * Powertools' Kafka consumer deserialises each record's JSON value, zod checks it, and the
 * handler runs once per idempotency key. Records are handled one after the other in their
 * partition's order. A record that can never succeed goes to the failure sink with the reason
 * and the partition moves on; any other failure fails the batch, which the event source
 * retries (bisecting it) and finally sends to the same queue.
 */
export function createKafkaConsumer<TSchema extends z.ZodMiniType, TResult>(
  options: KafkaConsumerOptions<TSchema, TResult>,
): KafkaConsumerHandler {
  const failures = options.failures ?? new SqsKafkaFailureSink(requireEnv('FAILURE_QUEUE_URL'));
  const { run, config } = idempotent(
    (event: z.infer<TSchema>, position: RecordPosition) => options.handle(event, position),
    idempotencyKeyOf,
    options.persistenceStore,
  );

  const reject = async (
    record: ConsumerRecord<unknown, unknown>,
    position: RecordPosition,
    reason: string,
  ) => {
    logger.error(LOG_LINES.rejected, {
      ...logFields(position),
      reason,
      destination: 'failure queue',
    });
    metrics.addMetric('RecordsRejected', MetricUnit.Count, 1);
    await failures.send(position, { key: record.originalKey, value: record.originalValue }, reason);
  };

  return kafkaConsumer<unknown, unknown>(
    async (event, context) => {
      config.registerLambdaContext(context);
      logger.addContext(context);
      try {
        for (const record of event.records) {
          const position = {
            topic: record.topic,
            partition: record.partition,
            offset: record.offset,
            timestamp: record.timestamp,
          };
          const parsed = parseValue(options.schema, record);
          if (!parsed.ok) {
            await reject(record, position, parsed.reason);
            continue;
          }
          await withCorrelation(parsed.event, async () => {
            try {
              await injectFault(`${context.awsRequestId}:${record.partition}:${record.offset}`, () =>
                context.getRemainingTimeInMillis(),
              );
              await run(parsed.event, position);
              // One line per record: where it sits in the log and which group read it (for trace).
              logger.info(LOG_LINES.handled, logFields(position));
              metrics.addMetric('RecordsProcessed', MetricUnit.Count, 1);
            } catch (error) {
              if (error instanceof PoisonMessageError) return reject(record, position, error.reason);
              logger.warn(LOG_LINES.batchRetried, { ...logFields(position), error });
              metrics.addMetric('RecordsFailed', MetricUnit.Count, 1);
              throw error;
            }
          });
        }
      } finally {
        metrics.publishStoredMetrics();
      }
    },
    { value: { type: 'json' } },
  );
}
