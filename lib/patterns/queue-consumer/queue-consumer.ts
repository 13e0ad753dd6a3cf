import { Duration, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { consumerFunction, type NodeFunction, type NodeFunctionProps } from '../../shared/node-function.js';

/** How the event source mapping trades latency for messages per invocation. */
export type ThroughputProfile = 'low-latency' | 'high-throughput';

interface MappingSettings {
  readonly batchSize: number;
  readonly maxBatchingWindow: Duration;
  readonly maxConcurrency: number;
}

/**
 * - `low-latency`: up to 10 messages, no batching window: the poller invokes as soon as a
 *   message is there.
 * - `high-throughput`: up to 100 messages gathered for up to 2 s (FIFO: 10, no window), so
 *   far fewer invocations per message at the cost of that wait.
 */
export const THROUGHPUT_PROFILES: Record<
  ThroughputProfile,
  { standard: MappingSettings; fifo: MappingSettings }
> = {
  'low-latency': {
    standard: { batchSize: 10, maxBatchingWindow: Duration.seconds(0), maxConcurrency: 20 },
    fifo: { batchSize: 10, maxBatchingWindow: Duration.seconds(0), maxConcurrency: 20 },
  },
  'high-throughput': {
    standard: { batchSize: 100, maxBatchingWindow: Duration.seconds(2), maxConcurrency: 50 },
    fifo: { batchSize: 10, maxBatchingWindow: Duration.seconds(0), maxConcurrency: 50 },
  },
};

/** A queue a consumer can read; a ReliableQueue fits as it is. */
export interface ConsumableQueue {
  readonly queue: sqs.IQueue;
  /** Where records that can never succeed are sent directly, with the reason. */
  readonly deadLetterQueue?: sqs.IQueue;
  /** The queue's visibility timeout, for the retry-composition check. */
  readonly visibilityTimeout?: Duration;
  /** Receives before dead-lettering, for the idempotency-expiry check. */
  readonly maxReceiveCount?: number;
  readonly fifo?: boolean;
}

export interface QueueConsumerProps {
  /** The queue to consume. */
  readonly source: ConsumableQueue;
  /** Path of the handler module (see lambdas/). */
  readonly entry: string;
  /**
   * Batching and concurrency preset; the explicit props below override it.
   * @default 'low-latency'
   */
  readonly profile?: ThroughputProfile;
  /** Records per invocation. Range 1-10 without a batching window (FIFO: always 1-10), up to 10,000 with one. @default from profile */
  readonly batchSize?: number;
  /** How long the poller gathers records. Range 0-300 s; not for FIFO queues. @default from profile */
  readonly maxBatchingWindow?: Duration;
  /** Concurrent invocations this mapping may use. Range 2-1000. @default from profile */
  readonly maxConcurrency?: number;
  /** Function timeout. @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** Function memory in MB. @default 256 */
  readonly memorySize?: number;
  /** Extra environment variables for the handler. @default none */
  readonly environment?: Record<string, string>;
  /** Powertools idempotency table; the function gets its name and access. @default none */
  readonly idempotencyTable?: dynamodb.ITable;
  /**
   * How long a completed idempotency record is kept. Must outlast the window in which the
   * same message can come back: visibility timeout x maxReceiveCount.
   * @default Duration.hours(24)
   */
  readonly idempotencyExpiry?: Duration;
  /** Anything else for the function. @default NodeFunction defaults */
  readonly functionProps?: Partial<NodeFunctionProps>;
}

/**
 * A Lambda function fed by a queue through an event source mapping with partial batch
 * responses, a throughput profile, and synth-time checks of the retry composition.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 */
export class QueueConsumer extends Construct {
  public readonly function: NodeFunction;
  public readonly eventSource: sources.SqsEventSource;
  public readonly settings: MappingSettings;
  public readonly errorsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: QueueConsumerProps) {
    super(scope, id);
    const fifo = props.source.fifo ?? props.source.queue.fifo;
    const preset = THROUGHPUT_PROFILES[props.profile ?? 'low-latency'][fifo ? 'fifo' : 'standard'];
    this.settings = {
      batchSize: props.batchSize ?? preset.batchSize,
      maxBatchingWindow: props.maxBatchingWindow ?? preset.maxBatchingWindow,
      maxConcurrency: props.maxConcurrency ?? preset.maxConcurrency,
    };
    const timeout = props.timeout ?? props.functionProps?.timeout ?? Duration.seconds(10);
    const idempotencyExpiry = props.idempotencyExpiry ?? Duration.hours(24);
    validateMapping(fifo, this.settings);
    validateRetryComposition(
      props.source,
      timeout,
      this.settings.maxBatchingWindow,
      props.idempotencyTable ? idempotencyExpiry : undefined,
    );

    const environment: Record<string, string> = { ...props.environment };
    if (props.source.deadLetterQueue)
      environment.DEAD_LETTER_QUEUE_URL = props.source.deadLetterQueue.queueUrl;
    this.function = consumerFunction(this, {
      entry: props.entry,
      timeout,
      ...(props.memorySize !== undefined ? { memorySize: props.memorySize } : {}),
      environment,
      ...(props.idempotencyTable
        ? { idempotency: { table: props.idempotencyTable, expiry: idempotencyExpiry } }
        : {}),
      ...(props.functionProps ? { functionProps: props.functionProps } : {}),
    });
    props.source.deadLetterQueue?.grantSendMessages(this.function);

    this.eventSource = new sources.SqsEventSource(props.source.queue, {
      batchSize: this.settings.batchSize,
      maxBatchingWindow: fifo ? undefined : this.settings.maxBatchingWindow,
      maxConcurrency: this.settings.maxConcurrency,
      reportBatchItemFailures: true,
    });
    this.function.function.addEventSource(this.eventSource);

    Validations.of(this).acknowledge(
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          "Invoked synchronously by the SQS event source only: failed records go to the queue's dead-letter queue.",
      },
      {
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason:
          "SQS event sources take no on-failure destination; the queue's redrive policy is the destination.",
      },
    );

    this.errorsAlarm = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmDescription: `${this.node.path} is failing whole invocations (not single records).`,
      metric: this.function.function.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}

function validateMapping(fifo: boolean, s: MappingSettings): void {
  const { batchSize, maxBatchingWindow, maxConcurrency } = s;
  if (!Token.isUnresolved(batchSize)) {
    const max = fifo ? 10 : 10_000;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > max) {
      throw new Error(
        `QueueConsumer: batchSize must be a whole number from 1 to ${max} for a ${fifo ? 'FIFO' : 'standard'} queue, got ${batchSize}.`,
      );
    }
    if (!fifo && batchSize > 10 && !maxBatchingWindow.isUnresolved() && maxBatchingWindow.toSeconds() < 1) {
      throw new Error(
        `QueueConsumer: a batchSize above 10 (got ${batchSize}) needs a maxBatchingWindow of at least 1 second.`,
      );
    }
  }
  if (!maxBatchingWindow.isUnresolved()) {
    if (fifo && maxBatchingWindow.toSeconds() > 0) {
      throw new Error(
        'QueueConsumer: FIFO queue event sources do not support a maxBatchingWindow; remove it.',
      );
    }
    if (maxBatchingWindow.toSeconds() > 300) {
      throw new Error(
        `QueueConsumer: maxBatchingWindow must be at most 300 seconds, got ${maxBatchingWindow.toHumanString()}.`,
      );
    }
  }
  if (
    !Token.isUnresolved(maxConcurrency) &&
    (!Number.isInteger(maxConcurrency) || maxConcurrency < 2 || maxConcurrency > 1000)
  ) {
    throw new Error(
      `QueueConsumer: maxConcurrency must be a whole number from 2 to 1000, got ${maxConcurrency}.`,
    );
  }
}

function validateRetryComposition(
  source: ConsumableQueue,
  timeout: Duration,
  window: Duration,
  idempotencyExpiry: Duration | undefined,
): void {
  const vt = source.visibilityTimeout;
  if (!vt || vt.isUnresolved() || timeout.isUnresolved() || window.isUnresolved()) return;
  const required = 6 * timeout.toSeconds() + window.toSeconds();
  if (vt.toSeconds() < required) {
    throw new Error(
      `QueueConsumer: the queue's visibility timeout (${vt.toSeconds()} s) must be at least 6x the function timeout ` +
        `(${timeout.toSeconds()} s) plus the batching window (${window.toSeconds()} s) = ${required} s, or messages ` +
        'become visible again while still being processed and run twice. Raise visibilityTimeout or lower the timeout.',
    );
  }
  const receives = source.maxReceiveCount;
  if (
    idempotencyExpiry &&
    receives !== undefined &&
    !Token.isUnresolved(receives) &&
    !idempotencyExpiry.isUnresolved()
  ) {
    const window = vt.toSeconds() * receives;
    if (idempotencyExpiry.toSeconds() < window) {
      throw new Error(
        `QueueConsumer: idempotencyExpiry (${idempotencyExpiry.toSeconds()} s) must outlast the redelivery window, ` +
          `visibility timeout x maxReceiveCount = ${window} s; otherwise a late redelivery repeats the side effect.`,
      );
    }
  }
}
