#!/usr/bin/env node
import { App, Aspects, Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import { EmulatorCompatibility } from '../lib/emulator/emulator-compatibility.js';
import { FaultInjection, faultPlanFromContext } from '../lib/shared/fault-injection.js';
import { benchStackFromContext } from '../lib/stacks/bench-stack.js';
import { dataKeysFromContext } from '../lib/stacks/data-keys-stack.js';
import { OrderEventsStack } from '../lib/stacks/order-events-stack.js';
import { OrderFulfilmentStack } from '../lib/stacks/order-fulfilment-stack.js';
import { OrderLogStack } from '../lib/stacks/order-log-stack.js';
import { OrderNotificationsStack } from '../lib/stacks/order-notifications-stack.js';

const app = new App();
const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };

// Customer-managed keys for the tables and logs of each stack (-c customerKeys=true; $1 a month
// each). Without them, AWS-managed and AWS-owned keys encrypt the same data.
const keys = dataKeysFromContext(app, { env });

const orderEvents = new OrderEventsStack(app, 'OrderEvents', {
  env,
  encryptionKey: keys?.keyFor('OrderEvents'),
  description: 'Order fulfilment reference: the orders event bus, its archive and content-based routes.',
});
const notifications = new OrderNotificationsStack(app, 'OrderNotifications', {
  env,
  encryptionKey: keys?.keyFor('OrderNotifications'),
  bus: orderEvents.bus,
  description:
    'Order fulfilment reference: SNS fan-out to idempotent SQS consumers, and the ordered status stream.',
});

const orderLog = new OrderLogStack(app, 'OrderLog', {
  env,
  encryptionKey: keys?.keyFor('OrderLog'),
  description:
    'Order fulfilment reference: the order log on MSK Serverless (Kafka) and its consumer groups, audit and sales per minute.',
});

new OrderFulfilmentStack(app, 'OrderFulfilment', {
  env,
  encryptionKey: keys?.keyFor('OrderFulfilment'),
  bus: orderEvents.bus,
  statusTopic: notifications.statusStream.topic,
  orderLog: orderLog.log,
  description:
    'Order fulfilment reference: the fulfilment saga on Step Functions, started once per OrderPlaced.',
});

// Benchmark deployments only (npm run bench, --context bench=true); absent from the default app.
benchStackFromContext(app, { env }, keys);

// Synth fails on any finding that is not acknowledged with a reason.
Validations.of(app).addPlugins(
  new cdkNag.AwsSolutionsChecks(app, { verbose: true }),
  new cdkNag.ServerlessChecks(app, { verbose: true }),
);

// Test deployments only (npm run chaos): make chosen functions fail; absent from the default app.
const faults = faultPlanFromContext(app.node.tryGetContext('faults'));
const injection = faults ? new FaultInjection(faults) : undefined;
if (injection) Aspects.of(app).add(injection);

// Only `npm run local` / `npm test` deploys pass this; see docs/emulator-parity.md.
if (app.node.tryGetContext('target') === 'emulator') Aspects.of(app).add(new EmulatorCompatibility());

if (injection) {
  app.synth();
  const unmatched = injection.unmatched();
  if (unmatched.length > 0) throw new Error(`faults: no function is named ${unmatched.join(', ')}.`);
}
