import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ORDERS_SOURCE } from '../../contracts/events/sources.js';
import { ORDER_SAGA_OUTCOMES } from '../../contracts/saga-state.js';
import { BusPublishers, EventRoute } from '../patterns/event-router/index.js';
import { OpsView } from '../patterns/ops-view/index.js';
import { QueueConsumer } from '../patterns/queue-consumer/index.js';
import { ReliableQueue } from '../patterns/reliable-queue/index.js';
import { Saga } from '../patterns/saga/index.js';
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
  'publishConfirmed',
  'publishCancelled',
] as const;
type Task = (typeof TASKS)[number];

/**
 * Order fulfilment: OrderPlaced on the bus → intake queue → a starter that runs the saga once
 * per order (execution name = order id) → reserve stock, authorize payment, create shipment,
 * confirm; on a business refusal or a fault that outlives its retries, the completed steps are
 * compensated in reverse and the saga publishes OrderCancelled with the reason, else
 * OrderConfirmed.
 */
export class OrderFulfilmentStack extends Stack {
  public readonly saga: Saga;
  public readonly table: dynamodb.Table;
  public readonly intake: ReliableQueue;
  public readonly functions: Record<Task, NodeFunction>;

  constructor(scope: Construct, id: string, props: OrderFulfilmentStackProps) {
    super(scope, id, props);
    const { encryptionKey } = props;
    acknowledgeDataKeyGrants(this, encryptionKey);
    const idempotency = appIdempotencyTable(this, encryptionKey);
    this.table = serviceTable(this, 'Fulfilment', encryptionKey);

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
          EVENT_BUS_NAME: props.bus.eventBusName,
        },
      });
      this.table.grantReadWriteData(f);
      idempotency.grantReadWrite(f);
      return f;
    };
    this.functions = Object.fromEntries(TASKS.map((t) => [t, fn(t)])) as Record<Task, NodeFunction>;
    new BusPublishers(this, 'BusPublishers', {
      bus: props.bus,
      publishers: [
        { grantee: this.functions.publishConfirmed, sources: [ORDERS_SOURCE] },
        { grantee: this.functions.publishCancelled, sources: [ORDERS_SOURCE] },
      ],
    });

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
      onSuccess: f.publishConfirmed.function,
      onCompensated: f.publishCancelled.function,
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

    // Every alarm of the stack to the ops topic, and a dashboard (read at synthesis).
    const ops = new OpsView(this, 'Operations');
    new CfnOutput(this, 'OpsTopicArn', { value: ops.opsTopic.topicArn });

    new CfnOutput(this, 'StateMachineArn', { value: this.saga.stateMachine.stateMachineArn });
    new CfnOutput(this, 'FulfilmentTableName', { value: this.table.tableName });
    new CfnOutput(this, 'SagaIntakeQueueUrl', { value: this.intake.queue.queueUrl });
    new CfnOutput(this, 'SagaIntakeDlqUrl', { value: this.intake.deadLetterQueue.queueUrl });
  }
}
