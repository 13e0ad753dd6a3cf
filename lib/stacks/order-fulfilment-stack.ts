import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ORDERS_SOURCE } from '../../contracts/events/sources.js';
import { ORDER_SAGA_OUTCOMES } from '../../contracts/saga-state.js';
import { BusPublishers, EventRoute } from '../patterns/event-router/index.js';
import { EventStore } from '../patterns/event-store/index.js';
import type { KafkaLog } from '../patterns/kafka-log/index.js';
import { OpsView } from '../patterns/ops-view/index.js';
import { QueueConsumer } from '../patterns/queue-consumer/index.js';
import { ReliableQueue } from '../patterns/reliable-queue/index.js';
import { Saga } from '../patterns/saga/index.js';
import { queueDepthAlarm, serviceDeadLetterQueue } from '../shared/dead-letter.js';
import { NodeFunction } from '../shared/node-function.js';
import { serviceTable } from '../shared/tables.js';
import { appFunctionProps, lambdaEntry } from './app-functions.js';
import { acknowledgeDataKeyGrants, type DataEncryptionProps } from './data-keys-stack.js';
import { ORDER_ROUTES } from './order-routes.js';
import { capitalise } from './output-keys.js';
import { appIdempotencyTable } from './stores.js';

export interface OrderFulfilmentStackProps extends StackProps, DataEncryptionProps {
  /** The orders bus: OrderPlaced comes from it, OrderConfirmed / OrderCancelled go back to it. */
  readonly bus: events.IEventBus;
  /** The ordered status stream (SNS FIFO) the outbox relay publishes OrderStatusChanged to. */
  readonly statusTopic: sns.ITopic;
  /**
   * The order log (Kafka): the outbox relay also appends every integration event to it, keyed
   * by orderId. The relay then runs in the log's VPC, as its brokers are reachable only there.
   * @default none: the relay publishes to the bus and the status stream only
   */
  readonly orderLog?: KafkaLog;
  /**
   * STANDARD (exactly-once start per order id) or EXPRESS (cheaper, at-least-once).
   * @default STANDARD
   */
  readonly stateMachineType?: sfn.StateMachineType;
}

/** The saga's tasks: the export of lambdas/fulfilment/handler.ts each function runs. */
const TASKS = [
  'reserveStock',
  'releaseStock',
  'authorizePayment',
  'voidPayment',
  'createShipment',
  'cancelShipment',
  'confirmOrder',
  'settleOrder',
  'cancelOrder',
] as const;
type Task = (typeof TASKS)[number];

/**
 * Order fulfilment: OrderPlaced on the bus → intake queue → a starter that runs the saga once
 * per order (execution name = order id) → reserve stock, authorize payment, create shipment,
 * confirm; on a business refusal or a fault that outlives its retries, the completed steps are
 * compensated in reverse and the order is cancelled with the reason. Every step appends the
 * order's domain events to the event store, with the integration events they cause (outbox)
 * in the same transaction; the outbox relay publishes those from the store's stream:
 * OrderConfirmed / OrderCancelled to the bus, OrderStatusChanged to the status stream.
 */
export class OrderFulfilmentStack extends Stack {
  public readonly saga: Saga;
  public readonly table: dynamodb.Table;
  public readonly eventStore: EventStore;
  public readonly relay: NodeFunction;
  public readonly relayDeadLetters: sqs.Queue;
  public readonly intake: ReliableQueue;
  public readonly functions: Record<Task, NodeFunction>;

  constructor(scope: Construct, id: string, props: OrderFulfilmentStackProps) {
    super(scope, id, props);
    const { encryptionKey } = props;
    acknowledgeDataKeyGrants(this, encryptionKey);
    const idempotency = appIdempotencyTable(this, encryptionKey);
    this.table = serviceTable(this, 'Fulfilment', encryptionKey);
    // The reference app's data is disposable, like its other tables; keep the default RETAIN in yours.
    this.eventStore = new EventStore(this, 'OrderEventStore', {
      encryptionKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const fn = (task: Task) => {
      const f = new NodeFunction(this, capitalise(task), {
        ...appFunctionProps(encryptionKey),
        entry: lambdaEntry('fulfilment'),
        handler: task,
        serviceName: 'fulfilment',
        timeout: Duration.seconds(10),
        environment: {
          FULFILMENT_TABLE_NAME: this.table.tableName,
          IDEMPOTENCY_TABLE_NAME: idempotency.table.tableName,
          ...this.eventStore.environment,
        },
      });
      this.table.grantReadWriteData(f);
      this.eventStore.grantAppend(f);
      idempotency.grantReadWrite(f);
      return f;
    };
    this.functions = Object.fromEntries(TASKS.map((t) => [t, fn(t)])) as Record<Task, NodeFunction>;
    const f = this.functions;
    this.saga = new Saga(this, 'Saga', {
      stateMachineType: props.stateMachineType,
      encryptionKey,
      steps: [
        { name: 'ReserveStock', action: f.reserveStock.function, compensation: f.releaseStock.function },
        {
          name: 'AuthorizePayment',
          action: f.authorizePayment.function,
          compensation: f.voidPayment.function,
        },
        {
          name: 'CreateShipment',
          action: f.createShipment.function,
          compensation: f.cancelShipment.function,
        },
        // The pivot: no undo, so a fault is settled (did it land?) rather than compensated.
        { name: 'ConfirmOrder', action: f.confirmOrder.function, settle: f.settleOrder.function },
      ],
      // The outcome events come from the outbox: ConfirmOrder's append carries OrderConfirmed,
      // and this one's OrderCancelled, each in the same transaction as the domain event.
      onCompensated: f.cancelOrder.function,
      outcomes: ORDER_SAGA_OUTCOMES,
      taskTimeout: Duration.seconds(15),
      // Room for the compensations' longer retries; Express runs at most 5 minutes.
      timeout: Duration.minutes(props.stateMachineType === sfn.StateMachineType.EXPRESS ? 5 : 30),
    });

    // A batch of up to 10 StartExecution calls: 15 s leaves room on a loaded emulator, and the
    // default 90 s visibility timeout is the 6x QueueConsumer requires.
    this.intake = new ReliableQueue(this, 'SagaIntakeQueue', { maxReceiveCount: 5 });
    new EventRoute(this, 'SagaIntakeRoute', {
      ...ORDER_ROUTES.intake,
      bus: props.bus,
      targets: [{ queue: this.intake.queue }],
    });
    const starter = new QueueConsumer(this, 'SagaStarter', {
      source: this.intake,
      entry: lambdaEntry('saga-starter'),
      functionProps: appFunctionProps(encryptionKey),
      timeout: Duration.seconds(15),
      idempotencyTable: idempotency.table,
      environment: {
        STATE_MACHINE_ARN: this.saga.stateMachine.stateMachineArn,
        // The payment token vault: the starter deposits each token, the saga gets a reference.
        FULFILMENT_TABLE_NAME: this.table.tableName,
      },
    });
    this.saga.grantStartExecution(starter.function);
    this.table.grantWriteData(starter.function);

    this.relayDeadLetters = serviceDeadLetterQueue(
      this,
      'OutboxRelayDeadLetters',
      'the outbox relay (stream records it cannot relay, and batches it gave up on)',
    );
    queueDepthAlarm(
      this,
      'OutboxRelayDeadLettersAlarm',
      this.relayDeadLetters,
      'The outbox relay dead-lettered a record or gave up on a batch.',
    );
    this.relay = this.outboxRelay(props, encryptionKey);

    // Every alarm of the stack to the ops topic, and a dashboard (read at synthesis).
    const ops = new OpsView(this, 'Operations');
    new CfnOutput(this, 'OpsTopicArn', { value: ops.opsTopic.topicArn });

    new CfnOutput(this, 'StateMachineArn', { value: this.saga.stateMachine.stateMachineArn });
    new CfnOutput(this, 'FulfilmentTableName', { value: this.table.tableName });
    new CfnOutput(this, 'EventStoreTableName', { value: this.eventStore.table.tableName });
    new CfnOutput(this, 'OutboxRelayDlqUrl', { value: this.relayDeadLetters.queueUrl });
    new CfnOutput(this, 'OutboxRelayLogGroupName', { value: this.relay.logGroup.logGroupName });
    new CfnOutput(this, 'OutboxRelayFunctionName', { value: this.relay.functionName });
    new CfnOutput(this, 'SagaIntakeQueueUrl', { value: this.intake.queue.queueUrl });
    new CfnOutput(this, 'SagaIntakeDlqUrl', { value: this.intake.deadLetterQueue.queueUrl });
  }

  /**
   * The outbox relay on the event store's stream, in order per order. A record it cannot relay
   * goes to its dead-letter queue with the reason; a failed publish fails the batch, which comes
   * back whole (no partial batch response: see lambdas/outbox-relay/relay.ts). On AWS the
   * mapping bisects a failing batch, gives up after 10 retries and sends the batch's position to
   * the same queue (alarmed).
   */
  private outboxRelay(
    props: OrderFulfilmentStackProps,
    encryptionKey: OrderFulfilmentStackProps['encryptionKey'],
  ): NodeFunction {
    const relay = new NodeFunction(this, 'OutboxRelay', {
      ...appFunctionProps(encryptionKey),
      entry: lambdaEntry('outbox-relay'),
      serviceName: 'outbox-relay',
      timeout: Duration.seconds(30),
      environment: {
        EVENT_BUS_NAME: props.bus.eventBusName,
        STATUS_TOPIC_ARN: props.statusTopic.topicArn,
        RELAY_DEAD_LETTER_URL: this.relayDeadLetters.queueUrl,
        ...props.orderLog?.environment,
      },
      ...props.orderLog?.clientPlacement,
    });
    if (props.orderLog) {
      props.orderLog.connectProducer(relay);
      // Without NAT, what else the relay calls from the VPC: the bus, the status topic, X-Ray.
      props.orderLog.addClientEndpoints({
        EventBridgeEndpoint: ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE,
        SnsEndpoint: ec2.InterfaceVpcEndpointAwsService.SNS,
        XRayEndpoint: ec2.InterfaceVpcEndpointAwsService.XRAY,
      });
    }
    new BusPublishers(this, 'BusPublishers', {
      bus: props.bus,
      publishers: [{ grantee: relay, sources: [ORDERS_SOURCE] }],
    });
    // Publish, and the topic key's two data-key actions by name (grantPublish would add kms:GenerateDataKey*).
    relay.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [props.statusTopic.topicArn] }),
    );
    const topicKey = props.statusTopic.masterKey;
    if (topicKey)
      relay.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [topicKey.keyArn],
        }),
      );
    this.relayDeadLetters.grantSendMessages(relay);
    relay.function.addEventSource(
      new sources.DynamoEventSource(this.eventStore.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        bisectBatchOnError: true,
        retryAttempts: 10,
        onFailure: new sources.SqsDlq(this.relayDeadLetters),
      }),
    );
    Validations.of(relay).acknowledge(
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked synchronously by its DynamoDB-stream event source only: a batch it gives up on goes to the mapping on-failure destination.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'dynamodb:ListStreams (the stream event source) and X-Ray support no resource-level permissions.',
      },
    );
    return relay;
  }
}
