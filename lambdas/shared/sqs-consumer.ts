import {
  BatchProcessor,
  EventType,
  processPartialResponse,
  SqsFifoPartialProcessorAsync,
} from '@aws-lambda-powertools/batch';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod/mini';
import { type DeadLetterSink, SqsDeadLetterSink } from './dead-letter.js';
import { PoisonMessageError, TransientError } from './errors.js';
import { injectFault } from './faults.js';
import { idempotent } from './idempotency.js';
import { withCorrelation } from './log-context.js';
import { LOG_LINES } from './log-lines.js';
import { logger, metrics } from './powertools.js';
import { describeIssues } from './zod-issues.js';

/** The key every event's consumers de-duplicate on (see events/envelope.ts). */
export function idempotencyKeyOf(event: unknown): string | undefined {
  const key = (event as { detail?: { metadata?: { idempotencyKey?: unknown } } } | undefined)?.detail
    ?.metadata?.idempotencyKey;
  return typeof key === 'string' ? key : undefined;
}

export interface SqsConsumerOptions<TSchema extends z.ZodMiniType, TResult> {
  /** The body's schema; a record that fails it is dead-lettered with the reason. */
  readonly schema: TSchema;
  /**
   * The business logic for one parsed event. Throw to have the record retried; throw a
   * PoisonMessageError to dead-letter it at once with its reason.
   */
  readonly handle: (event: z.infer<TSchema>) => Promise<TResult>;
  /** Consume a FIFO queue: stop a message group at its first failure to keep order. */
  readonly fifo?: boolean;
  /** @default SqsDeadLetterSink on DEAD_LETTER_QUEUE_URL, or none when it is unset */
  readonly deadLetters?: DeadLetterSink;
  /** @default DynamoDBPersistenceLayer on IDEMPOTENCY_TABLE_NAME */
  readonly persistenceStore?: BasePersistenceLayer;
  /**
   * Run `handle` through Powertools idempotency. Only the benchmark turns it off, to price
   * it; production consumers must keep it (a redelivery would repeat the side effect).
   * @default true
   */
  readonly idempotency?: boolean;
}

export type SqsConsumerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** On a schema failure, `json` is the body it parsed (it may still name its order). */
type Parsed<T> = { ok: true; event: T } | { ok: false; reason: string; json?: unknown };

/**
 * Parse a record body as JSON and then against the schema; say exactly why when it fails.
 * (Plain JSON.parse + zod rather than the Powertools parser's JSONStringified helper, which
 * drags the classic zod API and all of its locales into the bundle.)
 */
export function parseBody<TSchema extends z.ZodMiniType>(
  schema: TSchema,
  body: string,
): Parsed<z.infer<TSchema>> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return {
      ok: false,
      reason: `body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, event: result.data };
  return { ok: false, reason: `schema validation failed: ${describeIssues(result.error, 'body')}`, json };
}

/**
 * Where and when a record was delivered, on its one outcome line (handled, failed or rejected):
 * what `npm run trace` needs to show the queue wait, the attempt and the time spent on it.
 */
export function deliveryFields(record: SQSRecord, startedAt: number, body?: unknown) {
  const event = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const sent = Number(record.attributes.SentTimestamp);
  return {
    messageId: record.messageId,
    queue: record.eventSourceARN.split(':').at(-1),
    receiveCount: Number(record.attributes.ApproximateReceiveCount),
    ...(Number.isFinite(sent) ? { sentAt: new Date(sent).toISOString() } : {}),
    ...(typeof event['detail-type'] === 'string' ? { detailType: event['detail-type'] } : {}),
    ...(typeof event.time === 'string' ? { busTime: event.time } : {}),
    durationMs: Date.now() - startedAt,
  };
}

/** Time a record needs left to be started (a few DynamoDB round trips, with room). */
export const START_MARGIN_MS = 1000;

/**
 * The Lambda adapter shared by every SQS consumer: Powertools batch processing with partial
 * batch responses, parser validation, idempotency on the event's business key, and poison
 * records sent to the dead-letter queue with the reason (never acknowledged and dropped).
 */
export function createSqsConsumer<TSchema extends z.ZodMiniType, TResult>(
  options: SqsConsumerOptions<TSchema, TResult>,
): SqsConsumerHandler {
  const deadLetterUrl = process.env.DEAD_LETTER_QUEUE_URL;
  const deadLetters =
    options.deadLetters ?? (deadLetterUrl ? new SqsDeadLetterSink(deadLetterUrl) : undefined);
  const { run: handleOnce, config } =
    options.idempotency === false
      ? { run: options.handle, config: undefined }
      : idempotent(options.handle, idempotencyKeyOf, options.persistenceStore);

  let remainingMs = () => 0;
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const startedAt = Date.now();
    const parsed = parseBody(options.schema, record.body);
    if (!parsed.ok) {
      // A body that is JSON but fails the schema may still name its order: keep that on the line.
      await withCorrelation(parsed.json, () =>
        reject(record, parsed.reason, deliveryFields(record, startedAt, parsed.json)),
      );
      return;
    }
    const delivery = () => deliveryFields(record, startedAt, parsed.event);
    // Every line logged while this record is handled names its order and flow.
    await withCorrelation(parsed.event, async () => {
      try {
        // Keyed by delivery attempt, so a redelivery draws again (as a real transient fault would).
        await injectFault(`${record.messageId}:${record.attributes.ApproximateReceiveCount}`, remainingMs);
        // A record started at the deadline is killed mid-way and leaves an idempotency record
        // in progress with no expiry (no time left to give it): leave it for the retry instead.
        if (remainingMs() < START_MARGIN_MS)
          throw new TransientError(`only ${remainingMs()} ms left: not starting this record`);
        await handleOnce(parsed.event);
      } catch (error) {
        // The logic proved the record can never succeed (e.g. its execution name belongs to
        // another order): dead-letter it with the reason now rather than after every retry.
        if (error instanceof PoisonMessageError) {
          await reject(record, error.reason, delivery());
          return;
        }
        // Reported as a batch item failure: SQS retries it, then its redrive policy applies.
        logger.warn(LOG_LINES.retried, { ...delivery(), error });
        metrics.addMetric('RecordsFailed', MetricUnit.Count, 1);
        throw error;
      }
      logger.info(LOG_LINES.handled, delivery());
      metrics.addMetric('RecordsProcessed', MetricUnit.Count, 1);
    });
  };

  const reject = async (
    record: SQSRecord,
    reason: string,
    delivery: ReturnType<typeof deliveryFields>,
  ): Promise<void> => {
    logger.error(LOG_LINES.rejected, {
      ...delivery,
      reason,
      destination: deadLetters ? 'dead-letter queue' : 'retries, then the redrive policy',
    });
    metrics.addMetric('RecordsRejected', MetricUnit.Count, 1);
    if (!deadLetters) throw new PoisonMessageError(reason);
    await deadLetters.send(record, reason);
  };

  return async (event, context) => {
    config?.registerLambdaContext(context);
    logger.addContext(context);
    remainingMs = () => context.getRemainingTimeInMillis();
    try {
      if (options.fifo) {
        return await processPartialResponse(event, recordHandler, new SqsFifoPartialProcessorAsync(), {
          context,
          // Only the failing record's group stops; other orders in the batch go on.
          skipGroupOnError: true,
        });
      }
      // Sequential, so that duplicates inside one batch meet a COMPLETED idempotency record
      // rather than an IN_PROGRESS one (which would cost a visibility timeout to retry).
      return await processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
        context,
        processInParallel: false,
      });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
