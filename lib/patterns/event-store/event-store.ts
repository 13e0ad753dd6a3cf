import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface EventStoreProps {
  /**
   * Customer-managed key for encryption at rest (the stream is encrypted with it too).
   * @default the AWS-managed DynamoDB key (aws/dynamodb)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Write a snapshot of an aggregate every this many events, so that loading reads the latest
   * snapshot plus the events after it. 0 turns snapshots off. Handed to the functions that
   * append through `environment`.
   * @default 50
   */
  readonly snapshotEvery?: number;
  /**
   * What happens to the table when it leaves the stack. Events are the system of record.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An append-only event store on DynamoDB: partition key `aggregateId`, sort key `version`,
 * one item per event (snapshots beside them under `<aggregateId>#snapshot`). The stream
 * carries every new event in order per aggregate (NEW_IMAGE), for a relay and projections.
 * Point-in-time recovery and encryption at rest; no TTL: events are kept.
 *
 * The runtime that appends and loads (optimistic concurrency, atomic multi-event appends,
 * snapshots, outbox) is `lambdas/shared/event-store.ts` (`EventStoreClient`).
 */
export class EventStore extends Construct {
  public static readonly PARTITION_KEY = 'aggregateId';
  public static readonly SORT_KEY = 'version';

  public readonly table: dynamodb.Table;
  public readonly snapshotEvery: number;

  constructor(scope: Construct, id: string, props: EventStoreProps = {}) {
    super(scope, id);
    const snapshotEvery = props.snapshotEvery ?? 50;
    if (!Number.isInteger(snapshotEvery) || snapshotEvery < 0)
      throw new Error(
        `EventStore ${id}: snapshotEvery must be a whole number of events (0 for none), got ${snapshotEvery}.`,
      );
    this.snapshotEvery = snapshotEvery;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: EventStore.PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      sortKey: { name: EventStore.SORT_KEY, type: dynamodb.AttributeType.NUMBER },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      stream: dynamodb.StreamViewType.NEW_IMAGE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: props.encryptionKey
        ? dynamodb.TableEncryption.CUSTOMER_MANAGED
        : dynamodb.TableEncryption.AWS_MANAGED,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }

  /** What a function that uses the runtime needs in its environment. */
  public get environment(): Record<string, string> {
    return {
      EVENT_STORE_TABLE: this.table.tableName,
      EVENT_STORE_SNAPSHOT_EVERY: String(this.snapshotEvery),
    };
  }

  /** Load and append: Query, and the Put and ConditionCheck of TransactWriteItems. No update, no delete. */
  public grantAppend(grantee: iam.IGrantable): iam.Grant {
    this.table.encryptionKey?.grantEncryptDecrypt(grantee);
    return this.table.grant(grantee, 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem');
  }

  /** Load only (projections, history, rebuilds): Query and Scan. */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    this.table.encryptionKey?.grantDecrypt(grantee);
    return this.table.grant(grantee, 'dynamodb:Query', 'dynamodb:Scan');
  }
}
