import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { ORDER_LOG_TOPIC } from '../../contracts/domain/order-log.js';
import { KafkaConsumer, KafkaLog, type KafkaThroughputProfile } from '../patterns/kafka-log/index.js';
import { OpsView } from '../patterns/ops-view/index.js';
import { serviceTable } from '../shared/tables.js';
import { appFunctionProps, lambdaEntry } from './app-functions.js';
import { acknowledgeDataKeyGrants, type DataEncryptionProps } from './data-keys-stack.js';
import { appIdempotencyTable } from './stores.js';

/** The two consumer groups of the order log; each reads the whole log at its own pace. */
export const ORDER_LOG_GROUPS = { audit: 'order-audit', sales: 'sales-per-minute' } as const;

export interface OrderLogStackProps extends StackProps, DataEncryptionProps {
  /**
   * Partitions of `orders.events`: the ceiling on each group's parallel consumers.
   * @default 6
   */
  readonly partitions?: number;
  /**
   * How long the log keeps records: how far back a group can replay.
   * @default Duration.days(7)
   */
  readonly retention?: Duration;
}

/**
 * The order log: every integration event of every order, appended by the outbox relay to the
 * Kafka topic `orders.events` on MSK Serverless (keyed by orderId, so an order's events keep
 * their order), and two consumer groups that read it independently: an audit trail of each
 * order (low-latency) and per-minute sales totals (high-throughput).
 */
export class OrderLogStack extends Stack {
  public readonly log: KafkaLog;
  public readonly table: dynamodb.Table;
  public readonly audit: KafkaConsumer;
  public readonly sales: KafkaConsumer;

  constructor(scope: Construct, id: string, props: OrderLogStackProps = {}) {
    super(scope, id, props);
    const { encryptionKey } = props;
    acknowledgeDataKeyGrants(this, encryptionKey);
    const idempotency = appIdempotencyTable(this, encryptionKey);
    this.table = serviceTable(this, 'Log', encryptionKey);

    this.log = new KafkaLog(this, 'OrderLog', {
      topicName: ORDER_LOG_TOPIC,
      partitions: props.partitions ?? 6,
      retention: props.retention ?? Duration.days(7),
      topicProvisionerEntry: lambdaEntry('kafka-topic'),
      topicProvisionerProps: appFunctionProps(encryptionKey),
    });

    const consumer = (
      consumerId: string,
      entry: string,
      groupId: string,
      profile: KafkaThroughputProfile,
    ) => {
      const c = new KafkaConsumer(this, consumerId, {
        log: this.log,
        entry: lambdaEntry(entry),
        consumerGroupId: groupId,
        profile,
        idempotencyTable: idempotency.table,
        environment: { LOG_TABLE_NAME: this.table.tableName },
        functionProps: appFunctionProps(encryptionKey),
      });
      this.table.grantReadWriteData(c.function);
      return c;
    };
    this.audit = consumer('OrderAudit', 'order-audit', ORDER_LOG_GROUPS.audit, 'low-latency');
    this.sales = consumer('SalesPerMinute', 'sales-per-minute', ORDER_LOG_GROUPS.sales, 'high-throughput');

    new OpsView(this, 'Operations');
    new CfnOutput(this, 'OrderLogTopic', { value: this.log.topicName });
    new CfnOutput(this, 'OrderLogTableName', { value: this.table.tableName });
    new CfnOutput(this, 'OrderAuditFunctionName', { value: this.audit.function.functionName });
    new CfnOutput(this, 'OrderAuditFailureQueueUrl', { value: this.audit.failureQueue.queueUrl });
    new CfnOutput(this, 'SalesPerMinuteFunctionName', { value: this.sales.function.functionName });
    new CfnOutput(this, 'SalesPerMinuteFailureQueueUrl', { value: this.sales.failureQueue.queueUrl });
  }
}
