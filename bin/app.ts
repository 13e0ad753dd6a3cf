#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import { acknowledgeNagFindings } from '../lib/shared/nag-suppressions.js';
import { OrderNotificationsStack } from '../lib/stacks/order-notifications-stack.js';

const app = new App();
const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };

const notifications = new OrderNotificationsStack(app, 'OrderNotifications', {
  env,
  description:
    'Order fulfilment reference: SNS fan-out to idempotent SQS consumers, and the ordered status stream.',
});

acknowledgeNagFindings(notifications);
// Synth fails on any finding that is not acknowledged with a reason.
Validations.of(app).addPlugins(new cdkNag.AwsSolutionsChecks(app, { verbose: true }));
