import { Duration, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { queueDepthAlarm, serviceDeadLetterQueue } from '../../shared/dead-letter.js';
import { consumerFunction, type NodeFunction, type NodeFunctionProps } from '../../shared/node-function.js';
import type { ConsumableKafkaLog } from './kafka-log.js';

/** How the event source mapping trades latency for records per invocation. */
export type KafkaThroughputProfile = 'low-latency' | 'high-throughput';

interface KafkaBatching {
  readonly batchSize: number;
  readonly maxBatchingWindow: Duration;
}

/**
 * - `low-latency`: up to 10 records, no batching window: the poller invokes as soon as it has
 *   records (MSK's own default would wait 500 ms).
 * - `high-throughput`: up to 1,000 records gathered for up to 5 s, so one invocation carries a
 *   whole second's worth of a busy partition at the cost of that wait. Per-partition order
 *   holds in both: Lambda reads each partition in sequence.
 */
export const KAFKA_THROUGHPUT_PROFILES: Record<KafkaThroughputProfile, KafkaBatching> = {
  'low-latency': { batchSize: 10, maxBatchingWindow: Duration.seconds(0) },
  'high-throughput': { batchSize: 1000, maxBatchingWindow: Duration.seconds(5) },
};

/**
 * Event source mappings from Kafka take functions with a timeout of at most 14 minutes.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-msk-configure.html
 */
const MAX_TIMEOUT = Duration.minutes(14);
/** MaximumRetryAttempts: 0-10,000 (-1, forever, is not offered: a poison record would block its partition). */
const MAX_RETRY_ATTEMPTS = 10_000;
/** MaximumRecordAgeInSeconds: 60 s - 7 days. */
const MIN_RECORD_AGE = Duration.seconds(60);
const MAX_RECORD_AGE = Duration.days(7);

export interface KafkaConsumerProps {
  /** The log to consume (a KafkaLog). */
  readonly log: ConsumableKafkaLog;
  /** Path of the handler module (see lambdas/). */
  readonly entry: string;
  /**
   * The consumer group: each group reads the whole topic and keeps its own offsets. It cannot
   * change once the mapping exists. 1-200 of letters, digits and - / : _ + = . @ (no `*`).
   * @see https://docs.aws.amazon.com/lambda/latest/dg/with-msk-process.html
   */
  readonly consumerGroupId: string;
  /**
   * Where a new group starts: TRIM_HORIZON (the oldest retained record) or LATEST.
   * @default lambda.StartingPosition.TRIM_HORIZON
   */
  readonly startingPosition?: lambda.StartingPosition;
  /**
   * Batching preset; batchSize and maxBatchingWindow override it.
   * @default 'low-latency'
   */
  readonly profile?: KafkaThroughputProfile;
  /** Records per invocation. Range 1-10,000. @default from profile */
  readonly batchSize?: number;
  /** How long the poller gathers records. Range 0-300 s. @default from profile */
  readonly maxBatchingWindow?: Duration;
  /**
   * Retries of a failing batch before it goes to the on-failure queue (bisected ones count
   * apart). Range 0-10,000; the partition waits while they run.
   * @default 3
   * @see https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html
   */
  readonly retryAttempts?: number;
  /**
   * Records older than this go to the on-failure queue unprocessed, so an outage does not
   * block the partition forever. Range 60 s - 7 days, and at most the topic's retention less
   * `redriveWindow`.
   * @default Duration.hours(6)
   */
  readonly maxRecordAge?: Duration;
  /**
   * How long a given-up record must stay on the topic for a redrive: the on-failure message
   * carries its topic, partition and offsets, not the record itself, so the record has to be
   * read from the topic again. The topic's retention must cover maxRecordAge plus this.
   * @default Duration.days(1)
   * @see https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html
   */
  readonly redriveWindow?: Duration;
  /** Split a failing batch in two and retry each half, to isolate a poison record. @default true */
  readonly bisectBatchOnError?: boolean;
  /**
   * Let the handler report the records that failed (`batchItemFailures`), so only those and
   * the ones after them in their partition come back. A handler that throws fails the batch.
   * @default true
   */
  readonly reportBatchItemFailures?: boolean;
  /**
   * Provisioned pollers (event poller units). Provisioned mode is what the Kafka error
   * handling controls (retries, record age, bisect, partial responses) need. Minimum 1-200,
   * maximum 1-2,000.
   * @default minimum 1; maximum the topic's partitions (a group reads each partition with
   * one consumer at a time, so more pollers would have nothing to read)
   * @see https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html
   */
  readonly pollers?: { readonly minimum?: number; readonly maximum?: number };
  /** Function timeout. At most 14 minutes. @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** Function memory in MB. @default 256 */
  readonly memorySize?: number;
  /** Extra environment variables for the handler. @default none */
  readonly environment?: Record<string, string>;
  /** Powertools idempotency table; the function gets its name and access. @default none */
  readonly idempotencyTable?: dynamodb.ITable;
  /**
   * How long a completed idempotency record is kept. Must outlast maxRecordAge, the window in
   * which the event source can deliver a record again.
   * @default Duration.hours(24)
   */
  readonly idempotencyExpiry?: Duration;
  /** Anything else for the function. @default NodeFunction defaults */
  readonly functionProps?: Partial<NodeFunctionProps>;
}

/**
 * A Lambda function reading a KafkaLog's topic as one consumer group through an MSK event
 * source mapping: batching from a throughput profile, bounded retries with bisection, a
 * maximum record age, partial batch responses, and an alarmed on-failure queue, with
 * synth-time checks that the retry settings compose.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html
 */
export class KafkaConsumer extends Construct {
  public readonly function: NodeFunction;
  public readonly eventSource: sources.ManagedKafkaEventSource;
  public readonly settings: KafkaBatching;
  /**
   * Where batches the mapping gave up on are described (topic, partition, offsets), and where
   * the function puts a record it rejects (its position, bytes and reason); its URL is the
   * function's FAILURE_QUEUE_URL.
   */
  public readonly failureQueue: sqs.Queue;
  public readonly failureAlarm: cloudwatch.Alarm;
  public readonly errorsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: KafkaConsumerProps) {
    super(scope, id);
    const preset = KAFKA_THROUGHPUT_PROFILES[props.profile ?? 'low-latency'];
    this.settings = {
      batchSize: props.batchSize ?? preset.batchSize,
      maxBatchingWindow: props.maxBatchingWindow ?? preset.maxBatchingWindow,
    };
    const timeout = props.timeout ?? props.functionProps?.timeout ?? Duration.seconds(30);
    const retryAttempts = props.retryAttempts ?? 3;
    const maxRecordAge = props.maxRecordAge ?? Duration.hours(6);
    const redriveWindow = props.redriveWindow ?? Duration.days(1);
    const idempotencyExpiry = props.idempotencyExpiry ?? Duration.hours(24);
    const pollers = {
      minimumPollers: props.pollers?.minimum ?? 1,
      maximumPollers: props.pollers?.maximum ?? props.log.partitions,
    };
    validateMapping(this.settings, retryAttempts, pollers);
    validateRetryComposition({
      timeout,
      retryAttempts,
      maxRecordAge,
      redriveWindow,
      retention: props.log.retention,
      idempotencyExpiry: props.idempotencyTable ? idempotencyExpiry : undefined,
    });

    this.failureQueue = serviceDeadLetterQueue(
      this,
      'FailureQueue',
      `the MSK event source of ${this.node.path} (batches it gave up on, and records its function rejected)`,
    );
    this.function = consumerFunction(this, {
      entry: props.entry,
      timeout,
      ...(props.memorySize !== undefined ? { memorySize: props.memorySize } : {}),
      environment: {
        ...props.environment,
        KAFKA_TOPIC: props.log.topicName,
        KAFKA_CONSUMER_GROUP: props.consumerGroupId,
        // A record that can never succeed goes here from the function itself, with the reason,
        // so its partition moves on without spending the retries on it.
        FAILURE_QUEUE_URL: this.failureQueue.queueUrl,
      },
      ...(props.idempotencyTable
        ? { idempotency: { table: props.idempotencyTable, expiry: idempotencyExpiry } }
        : {}),
      ...(props.functionProps ? { functionProps: props.functionProps } : {}),
    });

    this.failureQueue.grantSendMessages(this.function);
    this.failureAlarm = queueDepthAlarm(
      this,
      'FailureQueueAlarm',
      this.failureQueue,
      `${this.node.path} gave up on records of ${props.log.topicName} (group ${props.consumerGroupId}): redrive them from their offsets.`,
    );

    // The mapping polls as the function's role: it joins the group and reads the topic.
    props.log.grantConsume(this.function, props.consumerGroupId);
    this.eventSource = new sources.ManagedKafkaEventSource({
      clusterArn: props.log.clusterArn,
      topic: props.log.topicName,
      consumerGroupId: props.consumerGroupId,
      startingPosition: props.startingPosition ?? lambda.StartingPosition.TRIM_HORIZON,
      batchSize: this.settings.batchSize,
      maxBatchingWindow: this.settings.maxBatchingWindow,
      retryAttempts,
      maxRecordAge,
      bisectBatchOnError: props.bisectBatchOnError ?? true,
      reportBatchItemFailures: props.reportBatchItemFailures ?? true,
      provisionedPollerConfig: pollers,
      onFailure: new sources.SqsDlq(this.failureQueue),
    });
    this.function.function.addEventSource(this.eventSource);

    Validations.of(this.function).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole]',
        reason:
          "The MSK event source polls with the function's role: it creates ENIs in the cluster's subnets and " +
          'describes the VPC (EC2 actions with no resource-level permissions) and finds the brokers; CDK attaches ' +
          "AWS's managed policy for exactly this.",
      },
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          "Invoked synchronously by the MSK event source only: failed batches go to the mapping's on-failure queue.",
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

function validateMapping(
  s: KafkaBatching,
  retryAttempts: number,
  pollers: { minimumPollers: number; maximumPollers: number },
): void {
  const { batchSize, maxBatchingWindow } = s;
  if (
    !Token.isUnresolved(batchSize) &&
    (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
  ) {
    throw new Error(`KafkaConsumer: batchSize must be a whole number from 1 to 10000, got ${batchSize}.`);
  }
  if (!maxBatchingWindow.isUnresolved() && maxBatchingWindow.toSeconds() > 300) {
    throw new Error(
      `KafkaConsumer: maxBatchingWindow must be at most 300 seconds, got ${maxBatchingWindow.toHumanString()}.`,
    );
  }
  if (
    !Token.isUnresolved(retryAttempts) &&
    (!Number.isInteger(retryAttempts) || retryAttempts < 0 || retryAttempts > MAX_RETRY_ATTEMPTS)
  ) {
    throw new Error(
      `KafkaConsumer: retryAttempts must be a whole number from 0 to ${MAX_RETRY_ATTEMPTS}, got ${retryAttempts}; ` +
        'unbounded retries (-1) would hold a poison record at the head of its partition until it expires.',
    );
  }
  const { minimumPollers: min, maximumPollers: max } = pollers;
  if (!Token.isUnresolved(min) && (!Number.isInteger(min) || min < 1 || min > 200)) {
    throw new Error(`KafkaConsumer: pollers.minimum must be a whole number from 1 to 200, got ${min}.`);
  }
  if (!Token.isUnresolved(max) && (!Number.isInteger(max) || max < 1 || max > 2000)) {
    throw new Error(`KafkaConsumer: pollers.maximum must be a whole number from 1 to 2000, got ${max}.`);
  }
  if (!Token.isUnresolved(min) && !Token.isUnresolved(max) && min > max) {
    throw new Error(`KafkaConsumer: pollers.minimum (${min}) must not exceed pollers.maximum (${max}).`);
  }
}

interface RetryComposition {
  readonly timeout: Duration;
  readonly retryAttempts: number;
  readonly maxRecordAge: Duration;
  readonly redriveWindow: Duration;
  readonly retention: Duration | 'unlimited';
  readonly idempotencyExpiry: Duration | undefined;
}

function validateRetryComposition(c: RetryComposition): void {
  const { timeout, retryAttempts, maxRecordAge, redriveWindow, retention, idempotencyExpiry } = c;
  if (!timeout.isUnresolved() && timeout.toSeconds() > MAX_TIMEOUT.toSeconds()) {
    throw new Error(
      `KafkaConsumer: timeout must be at most 14 minutes (${MAX_TIMEOUT.toSeconds()} s) for a Kafka event source, ` +
        `got ${timeout.toSeconds()} s.`,
    );
  }
  if (maxRecordAge.isUnresolved()) return;
  const age = maxRecordAge.toSeconds();
  if (age < MIN_RECORD_AGE.toSeconds() || age > MAX_RECORD_AGE.toSeconds()) {
    throw new Error(
      `KafkaConsumer: maxRecordAge must be from 60 seconds to 7 days (${MAX_RECORD_AGE.toSeconds()} s), got ${age} s.`,
    );
  }
  if (!timeout.isUnresolved() && !Token.isUnresolved(retryAttempts)) {
    // Every attempt may run to the timeout; past maxRecordAge the remaining retries never happen.
    const attempts = (retryAttempts + 1) * timeout.toSeconds();
    if (age < attempts) {
      throw new Error(
        `KafkaConsumer: maxRecordAge (${age} s) must cover every attempt of a batch: (retryAttempts ${retryAttempts} + 1) ` +
          `x timeout ${timeout.toSeconds()} s = ${attempts} s; otherwise records expire before their last retries.`,
      );
    }
  }
  if (retention !== 'unlimited' && !retention.isUnresolved() && !redriveWindow.isUnresolved()) {
    const kept = retention.toSeconds();
    const needed = age + redriveWindow.toSeconds();
    if (kept < needed) {
      throw new Error(
        `KafkaConsumer: the topic's retention (${kept} s) must cover maxRecordAge (${age} s) plus redriveWindow ` +
          `(${redriveWindow.toSeconds()} s) = ${needed} s: the on-failure queue holds only offsets, and a record ` +
          'older than the retention is gone before it can be redriven. Lower maxRecordAge or raise the retention.',
      );
    }
  }
  if (idempotencyExpiry && !idempotencyExpiry.isUnresolved() && idempotencyExpiry.toSeconds() < age) {
    throw new Error(
      `KafkaConsumer: idempotencyExpiry (${idempotencyExpiry.toSeconds()} s) must outlast maxRecordAge (${age} s), ` +
        'the window in which the event source can deliver a record again; otherwise a retry repeats the side effect.',
    );
  }
}
