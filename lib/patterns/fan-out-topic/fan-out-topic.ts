import { Stack, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { queueDepthAlarm, serviceDeadLetterQueue } from '../../shared/dead-letter.js';

/** A queue that can be subscribed; a ReliableQueue fits as it is. */
export interface FanOutTarget {
  readonly queue: sqs.IQueue;
  /** Whether the queue is FIFO; must match the topic. @default false */
  readonly fifo?: boolean;
}

export interface FanOutTopicProps {
  /**
   * Create an SNS FIFO topic: strict ordering per message group, deduplication, FIFO
   * subscribers only.
   * @default false
   */
  readonly fifo?: boolean;
  /**
   * FIFO only: deduplicate on a SHA-256 of the message body.
   * @default false
   */
  readonly contentBasedDeduplication?: boolean;
  /**
   * Key that encrypts messages at rest in the topic.
   * @default a new customer-managed key with rotation (the AWS-managed aws/sns key cannot be
   * shared with service publishers such as EventBridge)
   */
  readonly masterKey?: kms.IKey;
  /**
   * Physical topic name (`.fifo` is appended to FIFO topics if missing).
   * @default generated
   */
  readonly topicName?: string;
  /**
   * Where SNS puts a message it could not deliver to a subscribed queue (deleted queue,
   * denied policy, KMS error). Must be FIFO when the topic is.
   * @default a new encrypted, TLS-only queue with 14 days of retention, shared by the
   * topic's subscriptions
   */
  readonly deliveryDeadLetterQueue?: sqs.IQueue;
}

export interface FanOutSubscriptionOptions {
  /**
   * Filter on message attributes (`FilterPolicyScope: MessageAttributes`).
   * @default no attribute filter
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html
   */
  readonly filterPolicy?: { [attribute: string]: sns.SubscriptionFilter };
  /**
   * Filter on the JSON message body (`FilterPolicyScope: MessageBody`). Use this when the
   * publisher cannot set attributes (e.g. an EventBridge target). Exclusive with
   * `filterPolicy`.
   * @default no body filter
   */
  readonly filterPolicyWithMessageBody?: { [key: string]: sns.FilterOrPolicy };
  /**
   * Deliver the message body as it was published, without the SNS JSON wrapper.
   * @default true
   */
  readonly rawMessageDelivery?: boolean;
}

/**
 * An SNS topic (standard or FIFO) that fans events out to queues, with filter policies on
 * attributes or on the body, raw delivery, a subscription-level dead-letter queue with an
 * alarm, encryption with a customer-managed key, and TLS-only publishing.
 *
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html
 */
export class FanOutTopic extends Construct {
  public readonly topic: sns.Topic;
  public readonly fifo: boolean;
  public readonly masterKey: kms.IKey;
  public readonly deliveryDeadLetterQueue: sqs.IQueue;
  public readonly deliveryFailureAlarm: cloudwatch.Alarm;
  public readonly subscriptions: sns.Subscription[] = [];

  constructor(scope: Construct, id: string, props: FanOutTopicProps = {}) {
    super(scope, id);
    this.fifo = props.fifo ?? false;
    if (props.contentBasedDeduplication && !this.fifo) {
      throw new Error(
        'FanOutTopic: contentBasedDeduplication applies only to FIFO topics; set fifo: true or remove it.',
      );
    }
    if (
      props.topicName &&
      !Token.isUnresolved(props.topicName) &&
      props.topicName.endsWith('.fifo') &&
      !this.fifo
    ) {
      throw new Error(`FanOutTopic: topicName '${props.topicName}' ends in .fifo but fifo is not set.`);
    }
    if (props.deliveryDeadLetterQueue && isFifoQueue(props.deliveryDeadLetterQueue) !== this.fifo) {
      throw new Error(
        `FanOutTopic: deliveryDeadLetterQueue must be ${this.fifo ? 'a FIFO' : 'a standard'} queue to match the topic.`,
      );
    }

    this.masterKey =
      props.masterKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts messages in ${this.node.path}`,
        enableKeyRotation: true,
      });

    const topicName =
      props.topicName && this.fifo && !props.topicName.endsWith('.fifo')
        ? `${props.topicName}.fifo`
        : props.topicName;
    this.topic = new sns.Topic(this, 'Topic', {
      topicName,
      fifo: this.fifo || undefined,
      contentBasedDeduplication: this.fifo ? (props.contentBasedDeduplication ?? false) : undefined,
      masterKey: this.masterKey,
      enforceSSL: true,
    });

    if (props.deliveryDeadLetterQueue) {
      this.deliveryDeadLetterQueue = props.deliveryDeadLetterQueue;
    } else {
      this.deliveryDeadLetterQueue = serviceDeadLetterQueue(
        this,
        'DeliveryDeadLetterQueue',
        'the SNS subscriptions (RedrivePolicy)',
        this.fifo,
      );
    }

    this.deliveryFailureAlarm = queueDepthAlarm(
      this,
      'DeliveryFailureAlarm',
      this.deliveryDeadLetterQueue,
      `SNS could not deliver messages from ${this.node.path} to a subscribed queue.`,
    );
  }

  /** Subscribe a queue; SNS gets permission to send to it and to the delivery DLQ. */
  public subscribeQueue(target: FanOutTarget, options: FanOutSubscriptionOptions = {}): sns.Subscription {
    const targetFifo = target.fifo ?? isFifoQueue(target.queue);
    if (targetFifo !== this.fifo) {
      throw new Error(
        `FanOutTopic: cannot subscribe ${target.queue.node.path}: a ${this.fifo ? 'FIFO' : 'standard'} topic needs ` +
          `${this.fifo ? 'FIFO' : 'standard'} queues.`,
      );
    }
    if (options.filterPolicy && options.filterPolicyWithMessageBody) {
      throw new Error(
        'FanOutTopic: a subscription filters on attributes or on the body, not both; pass one of filterPolicy, filterPolicyWithMessageBody.',
      );
    }
    const subscription = new subscriptions.SqsSubscription(target.queue, {
      rawMessageDelivery: options.rawMessageDelivery ?? true,
      filterPolicy: options.filterPolicy,
      filterPolicyWithMessageBody: options.filterPolicyWithMessageBody,
      deadLetterQueue: this.deliveryDeadLetterQueue,
    });
    const created = this.topic.addSubscription(subscription);
    this.subscriptions.push(created);
    return created;
  }

  /**
   * Let an AWS service publish on behalf of one source resource of this account only (e.g.
   * `cloudwatch.amazonaws.com` for an alarm, `s3.amazonaws.com` for a bucket): a topic policy
   * statement and a key policy statement, both conditioned on `aws:SourceArn` and
   * `aws:SourceAccount` (no confused deputy). EventBridge routes need none of this: they
   * publish through a role of the rule (see EventRoute).
   * @param sourceArn the publishing resource's ARN; wildcards allowed (`ArnLike`)
   */
  public grantServicePublish(servicePrincipal: string, sourceArn: string): void {
    const conditions = {
      ArnLike: { 'aws:SourceArn': sourceArn },
      StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
    };
    const principals = [new iam.ServicePrincipal(servicePrincipal)];
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals,
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions,
      }),
    );
    this.masterKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals,
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions,
      }),
    );
  }

  /** Allow a principal to publish (and to use the topic key for it). */
  public grantPublish(grantee: iam.IGrantable): iam.Grant {
    return this.topic.grantPublish(grantee);
  }
}

function isFifoQueue(queue: sqs.IQueue): boolean {
  return queue.fifo;
}
