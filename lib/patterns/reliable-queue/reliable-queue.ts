import { Duration, Names, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEAD_LETTER_HAS_NO_REDRIVE, queueDepthAlarm } from '../../shared/dead-letter.js';

export interface ReliableQueueProps {
  /**
   * Create a FIFO queue (and a FIFO dead-letter queue).
   * @default false
   */
  readonly fifo?: boolean;
  /**
   * FIFO only: deduplicate on a SHA-256 of the body instead of a MessageDeduplicationId.
   * @default false
   */
  readonly contentBasedDeduplication?: boolean;
  /**
   * Receives before a message moves to the dead-letter queue. Range 1-1000.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Visibility timeout of the source queue. Range 0 s - 12 h. A consumer function needs at
   * least 6x its timeout plus its batching window (QueueConsumer checks this).
   * @default Duration.seconds(90), enough for QueueConsumer's defaults in either profile
   */
  readonly visibilityTimeout?: Duration;
  /**
   * How long an unconsumed message is kept. Range 60 s - 14 days.
   * @default Duration.days(4)
   */
  readonly retentionPeriod?: Duration;
  /**
   * How long a dead-lettered message is kept. Longer than the source retention, since on a
   * standard queue a message's age carries over into the dead-letter queue.
   * @default Duration.days(14)
   */
  readonly deadLetterRetentionPeriod?: Duration;
  /**
   * Customer-managed KMS key for both queues.
   * @default SQS-managed server-side encryption (SSE-SQS)
   */
  readonly encryptionMasterKey?: kms.IKey;
  /**
   * Physical name of the source queue (`.fifo` is appended for FIFO queues if missing).
   * @default a name generated from the construct path, stable across deployments
   */
  readonly queueName?: string;
  /**
   * Alarm when the oldest message in the source queue is older than this.
   * @default Duration.minutes(5)
   */
  readonly oldestMessageAgeThreshold?: Duration;
  /**
   * Alarm when the dead-letter queue holds at least this many messages. Minimum 1.
   * @default 1
   */
  readonly deadLetterDepthThreshold?: number;
}

/**
 * An SQS queue that never loses a message: a dead-letter queue after `maxReceiveCount`
 * receives, a redrive allow policy that admits only this source queue, encryption at rest,
 * TLS-only access, and alarms on dead-letter depth and on the age of the oldest message.
 *
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
 */
export class ReliableQueue extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly fifo: boolean;
  public readonly maxReceiveCount: number;
  public readonly visibilityTimeout: Duration;
  public readonly retentionPeriod: Duration;
  public readonly deadLetterAlarm: cloudwatch.Alarm;
  public readonly oldestMessageAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ReliableQueueProps = {}) {
    super(scope, id);
    this.fifo = props.fifo ?? false;
    this.maxReceiveCount = props.maxReceiveCount ?? 5;
    this.visibilityTimeout = props.visibilityTimeout ?? Duration.seconds(90);
    this.retentionPeriod = props.retentionPeriod ?? Duration.days(4);
    const deadLetterRetention = props.deadLetterRetentionPeriod ?? Duration.days(14);
    const deadLetterDepthThreshold = props.deadLetterDepthThreshold ?? 1;
    validate(
      this.fifo,
      props,
      this.maxReceiveCount,
      this.visibilityTimeout,
      this.retentionPeriod,
      deadLetterRetention,
      deadLetterDepthThreshold,
    );

    // The dead-letter queue's allow policy must name the source queue's ARN, and the source
    // queue's redrive policy names the dead-letter queue: a cycle unless the source name is
    // known before either exists. A name derived from the construct path breaks the cycle.
    const suffix = this.fifo ? '.fifo' : '';
    const baseName =
      props.queueName?.replace(/\.fifo$/, '') ??
      Names.uniqueResourceName(this, { maxLength: 70, separator: '-' });
    const queueName = `${baseName}${suffix}`;
    const sourceArn = Stack.of(this).formatArn({ service: 'sqs', resource: queueName });
    const encryption = props.encryptionMasterKey ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: `${baseName}-dlq${suffix}`,
      fifo: this.fifo || undefined,
      retentionPeriod: deadLetterRetention,
      encryption,
      encryptionMasterKey: props.encryptionMasterKey,
      enforceSSL: true,
      redriveAllowPolicy: {
        redrivePermission: sqs.RedrivePermission.BY_QUEUE,
        sourceQueues: [sqs.Queue.fromQueueArn(this, 'SourceRef', sourceArn)],
      },
    });

    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: DEAD_LETTER_HAS_NO_REDRIVE,
    });

    this.queue = new sqs.Queue(this, 'Queue', {
      queueName,
      fifo: this.fifo || undefined,
      contentBasedDeduplication: this.fifo ? (props.contentBasedDeduplication ?? false) : undefined,
      visibilityTimeout: this.visibilityTimeout,
      retentionPeriod: this.retentionPeriod,
      encryption,
      encryptionMasterKey: props.encryptionMasterKey,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: this.maxReceiveCount },
      // Nothing else may use this queue as its dead-letter queue.
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.DENY_ALL },
    });

    this.deadLetterAlarm = queueDepthAlarm(
      this,
      'DeadLetterDepthAlarm',
      this.deadLetterQueue,
      `Messages in the dead-letter queue of ${this.node.path}: inspect, fix, then redrive.`,
      deadLetterDepthThreshold,
    );

    const ageThreshold = props.oldestMessageAgeThreshold ?? Duration.minutes(5);
    this.oldestMessageAlarm = new cloudwatch.Alarm(this, 'OldestMessageAgeAlarm', {
      alarmDescription: `Consumers of ${this.node.path} are falling behind.`,
      metric: this.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: ageThreshold.toSeconds(),
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** Send both alarms to an action (e.g. an SNS ops topic). */
  public addAlarmAction(action: cloudwatch.IAlarmAction): void {
    this.deadLetterAlarm.addAlarmAction(action);
    this.oldestMessageAlarm.addAlarmAction(action);
  }
}

function validate(
  fifo: boolean,
  props: ReliableQueueProps,
  maxReceiveCount: number,
  visibilityTimeout: Duration,
  retention: Duration,
  deadLetterRetention: Duration,
  deadLetterDepthThreshold: number,
): void {
  if (
    !Token.isUnresolved(maxReceiveCount) &&
    (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000)
  ) {
    throw new Error(
      `ReliableQueue: maxReceiveCount must be a whole number from 1 to 1000, got ${maxReceiveCount}.`,
    );
  }
  if (props.contentBasedDeduplication && !fifo) {
    throw new Error(
      'ReliableQueue: contentBasedDeduplication applies only to FIFO queues; set fifo: true or remove it.',
    );
  }
  if (
    props.queueName !== undefined &&
    !Token.isUnresolved(props.queueName) &&
    props.queueName.endsWith('.fifo') &&
    !fifo
  ) {
    throw new Error(`ReliableQueue: queueName '${props.queueName}' ends in .fifo but fifo is not set.`);
  }
  if (!visibilityTimeout.isUnresolved() && visibilityTimeout.toSeconds() > 43_200) {
    throw new Error(
      `ReliableQueue: visibilityTimeout must be at most 12 hours, got ${visibilityTimeout.toHumanString()}.`,
    );
  }
  if (
    !deadLetterRetention.isUnresolved() &&
    !retention.isUnresolved() &&
    deadLetterRetention.toSeconds() < retention.toSeconds()
  ) {
    throw new Error(
      `ReliableQueue: deadLetterRetentionPeriod (${deadLetterRetention.toHumanString()}) must be at least retentionPeriod ` +
        `(${retention.toHumanString()}): a message's age carries over into the dead-letter queue, so it would expire there unseen.`,
    );
  }
  if (!Token.isUnresolved(deadLetterDepthThreshold) && deadLetterDepthThreshold < 1) {
    throw new Error(
      `ReliableQueue: deadLetterDepthThreshold must be at least 1, got ${deadLetterDepthThreshold}.`,
    );
  }
}
