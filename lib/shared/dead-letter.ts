import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** Why a dead-letter queue has no redrive policy of its own. */
export const DEAD_LETTER_HAS_NO_REDRIVE =
  'A dead-letter queue is the end of the line: its messages wait for a person and the redrive tooling.';

/**
 * A dead-letter queue for a service (SNS subscription, EventBridge target) rather than for
 * another queue: encrypted, TLS only, 14 days of retention. cdk-nag's SQS3 cannot see such
 * uses, so `usedBy` says who dead-letters into it.
 */
export function serviceDeadLetterQueue(
  scope: Construct,
  id: string,
  usedBy: string,
  fifo = false,
): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    fifo: fifo || undefined,
    retentionPeriod: Duration.days(14),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  Validations.of(queue).acknowledge(
    {
      id: 'AwsSolutions-SQS3',
      reason: `This queue is the dead-letter queue of ${usedBy}, which the rule does not see.`,
    },
    { id: 'Serverless-SQSRedrivePolicy', reason: DEAD_LETTER_HAS_NO_REDRIVE },
  );
  return queue;
}

/** Alarm as soon as a queue holds `threshold` visible messages (a dead-letter queue filling up). */
export function queueDepthAlarm(
  scope: Construct,
  id: string,
  queue: sqs.IQueue,
  description: string,
  threshold = 1,
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    alarmDescription: description,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(1),
      statistic: 'Maximum',
    }),
    threshold,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}
