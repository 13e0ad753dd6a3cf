import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { orderConfirmed } from '../../contracts/samples.js';
import { FAILURE_REASON_ATTRIBUTE } from '../../lambdas/shared/dead-letter.js';
import {
  type DeadLetterQueue,
  discoverDeadLetterQueues,
  peekMessages,
  resolveQueue,
} from '../../scripts/dead-letters/dead-letters.js';
import { redrive } from '../../scripts/dead-letters/redrive.js';
import {
  ACCOUNT,
  clientConfig,
  DEFAULT_ENDPOINT,
  emulatorEnv,
  REGION,
} from '../../scripts/emulator/emulator.js';
import { ROOT } from '../../scripts/shared/paths.js';
import { connect, settled, waitFor } from './support.js';

const app = connect();
const clients = {
  cfn: new CloudFormationClient(clientConfig(emulatorEnv(process.env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT))),
  sqs: app.sqs,
  eventBridge: app.eventBridge,
  sns: app.sns,
};

/** Does the queue still hold a message mentioning the order? (Peeked: nothing is taken.) */
const holds = async (url: string, orderId: string) =>
  (await peekMessages(app.sqs, url, 100)).some((m) => m.Body?.includes(orderId));

/**
 * Start from an empty DLQ: other tests leave records there that always fail, and redriving those
 * would keep the consumers busy for minutes (every later `settled` would wait for them).
 */
const clear = (url: string) => app.drain(url);

/** All of an order's expected effects, then quiet queues; returns the counts. */
async function effectsOf(orderId: string, expected: ReadonlyArray<'EMAIL' | 'LOYALTY' | 'ANALYTICS'>) {
  await waitFor(`${expected.join(', ')} for ${orderId}`, async () => {
    const counts = await app.effectCounts(orderId);
    return expected.every((e) => counts[e] > 0) ? true : undefined;
  });
  await settled(app);
  return app.effectCounts(orderId);
}

describe('redriving dead letters on the deployed app', () => {
  let queues: DeadLetterQueue[];

  beforeAll(async () => {
    queues = await discoverDeadLetterQueues(clients);
    await settled(app);
  });

  it('finds every dead-letter queue with its kind', () => {
    const kinds = Object.fromEntries(queues.map((q) => [q.name, q.kind]));
    expect(kinds).toMatchObject({
      'OrderNotifications/EmailQueue': 'queue',
      'OrderNotifications/StatusQueue': 'queue',
      'OrderEvents/FraudReviewQueue': 'queue',
      'OrderFulfilment/SagaIntakeQueue': 'queue',
      'OrderNotifications/OrderOutcomes': 'sns-delivery',
      'OrderEvents/Orders': 'eventbridge-target',
      'OrderNotifications/OutcomesRoute': 'eventbridge-target',
      'OrderFulfilment/SagaIntakeRoute': 'eventbridge-target',
    });
    const email = resolveQueue(queues, 'OrderNotifications/EmailQueue');
    expect(email.url).toBe(app.dlqUrl('Email'));
    expect(email.sourceQueues.map((s) => s.url)).toEqual([app.queueUrl('Email')]);
  });

  it('gives every dead-letter queue a unique short name, and takes the names a user tries first', () => {
    const shortNames = queues.map((q) => q.shortName);
    expect(new Set(shortNames).size).toBe(shortNames.length);
    expect(Object.fromEntries(queues.map((q) => [q.shortName, q.name]))).toMatchObject({
      'notifications/email': 'OrderNotifications/EmailQueue',
      'notifications/status': 'OrderNotifications/StatusQueue',
      'notifications/analytics': 'OrderNotifications/AnalyticsQueue',
      'events/analytics': 'OrderEvents/AnalyticsQueue',
      'events/fraud-review': 'OrderEvents/FraudReviewQueue',
      'events/orders': 'OrderEvents/Orders',
      'notifications/order-outcomes': 'OrderNotifications/OrderOutcomes',
      'fulfilment/saga-intake': 'OrderFulfilment/SagaIntakeQueue',
    });
    expect(resolveQueue(queues, 'status').url).toBe(app.dlqUrl('Status'));
    expect(resolveQueue(queues, 'notifications/analytics').url).toBe(app.dlqUrl('Analytics'));
    expect(() => resolveQueue(queues, 'analytics')).toThrow(
      /names 2 dead-letter queues[\s\S]*events\/analytics[\s\S]*notifications\/analytics/,
    );
  });

  it('moves a message dead-lettered during an outage back to its queue: one email, nothing left in the DLQ', async () => {
    const event = orderConfirmed({ total: 45 });
    const orderId = event.detail.data.orderId;
    const dlq = resolveQueue(queues, 'OrderNotifications/EmailQueue');
    await clear(dlq.url);
    await app.sqs.send(
      new SendMessageCommand({
        QueueUrl: dlq.url,
        MessageBody: JSON.stringify(event),
        MessageAttributes: {
          [FAILURE_REASON_ATTRIBUTE]: { DataType: 'String', StringValue: 'email provider unavailable' },
          sourceQueueArn: { DataType: 'String', StringValue: dlq.sourceQueues[0]?.arn ?? '' },
          originalMessageId: { DataType: 'String', StringValue: `outage-${orderId}` },
        },
      }),
    );
    await waitFor('the message in the DLQ', async () => ((await holds(dlq.url, orderId)) ? true : undefined));

    const report = await redrive(clients, dlq, { rate: 50 });

    expect(report.result).toMatchObject({ failed: 0, heldBack: 0, notDeleted: 0 });
    expect(report.result?.moved).toBe(1);
    expect(await effectsOf(orderId, ['EMAIL'])).toMatchObject({ EMAIL: 1 });
    expect(await holds(dlq.url, orderId)).toBe(false);
  });

  it('puts an event EventBridge could not deliver back on its bus: the outcomes route delivers it to every consumer', async () => {
    const event = orderConfirmed({ total: 250 });
    const orderId = event.detail.data.orderId;
    const busName = app.busOutput('BusName');
    const routerDlqUrl = app.busOutput('RouterDlqUrl');
    const dlq = queues.find((q) => q.url === routerDlqUrl);
    expect(dlq?.kind).toBe('eventbridge-target');
    if (!dlq) return;
    await clear(routerDlqUrl);
    // As EventBridge dead-letters it: the event as the body, the failure in message attributes.
    await app.sqs.send(
      new SendMessageCommand({
        QueueUrl: routerDlqUrl,
        MessageBody: JSON.stringify({
          version: '0',
          account: ACCOUNT,
          region: REGION,
          resources: [],
          ...event,
        }),
        MessageAttributes: {
          RULE_ARN: {
            DataType: 'String',
            StringValue: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${busName}/OrderEvents-Analytics`,
          },
          TARGET_ARN: { DataType: 'String', StringValue: app.routeQueueUrl('analytics') },
          ERROR_CODE: { DataType: 'String', StringValue: 'SQSError' },
          ERROR_MESSAGE: { DataType: 'String', StringValue: 'the target queue was unavailable' },
        },
      }),
    );
    await waitFor('the event in the router DLQ', async () =>
      (await holds(routerDlqUrl, orderId)) ? true : undefined,
    );

    const report = await redrive(clients, dlq, { rate: 50, defaultBus: busName });

    expect(report.result).toMatchObject({ failed: 0, notDeleted: 0 });
    expect(report.result?.moved).toBe(1);
    expect(await effectsOf(orderId, ['EMAIL', 'LOYALTY', 'ANALYTICS'])).toMatchObject({
      EMAIL: 1,
      LOYALTY: 1,
      ANALYTICS: 1,
    });
    expect(await holds(routerDlqUrl, orderId)).toBe(false);
  });

  it('republishes a message SNS could not deliver to its topic, whose subscriptions deliver it again', async () => {
    const event = orderConfirmed({ total: 130 });
    const orderId = event.detail.data.orderId;
    const dlq = resolveQueue(queues, 'OrderNotifications/OrderOutcomes');
    expect(dlq.kind).toBe('sns-delivery');
    await clear(dlq.url);
    // Raw message delivery: the SNS DLQ holds the message as it was published.
    await app.sqs.send(new SendMessageCommand({ QueueUrl: dlq.url, MessageBody: JSON.stringify(event) }));
    await waitFor('the message in the delivery DLQ', async () =>
      (await holds(dlq.url, orderId)) ? true : undefined,
    );

    const report = await redrive(clients, dlq, { rate: 50 });

    expect(report.result).toMatchObject({ moved: 1, failed: 0, notDeleted: 0 });
    expect(await effectsOf(orderId, ['EMAIL', 'LOYALTY', 'ANALYTICS'])).toMatchObject({
      EMAIL: 1,
      LOYALTY: 1,
      ANALYTICS: 1,
    });
    expect(await holds(dlq.url, orderId)).toBe(false);
  });

  it('the commands list the queues and dry-run a redrive without moving anything', async () => {
    const event = orderConfirmed();
    const dlq = resolveQueue(queues, 'OrderNotifications/LoyaltyQueue');
    await clear(dlq.url);
    await app.sqs.send(new SendMessageCommand({ QueueUrl: dlq.url, MessageBody: JSON.stringify(event) }));
    const run = (script: string, ...args: string[]) =>
      spawnSync(
        path.join(ROOT, 'node_modules', '.bin', 'tsx'),
        [path.join(ROOT, 'scripts', script), ...args],
        {
          encoding: 'utf8',
          timeout: 60_000,
        },
      );

    const list = run('dead-letters/dlq-main.ts', 'list');
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(
      /notifications\/loyalty\s+OrderNotifications\/LoyaltyQueue\s+queue DLQ\s+[1-9]/,
    );
    expect(list.stdout).toMatch(/events\/orders\s+OrderEvents\/Orders\s+EventBridge target DLQ/);
    expect(list.stdout).toMatch(/events\/analytics\s+OrderEvents\/AnalyticsQueue/);
    expect(list.stdout).toMatch(/notifications\/analytics\s+OrderNotifications\/AnalyticsQueue/);

    const peek = run('dead-letters/dlq-main.ts', 'peek', 'loyalty', '-n', '50');
    expect(peek.status).toBe(0);
    expect(peek.stdout).toContain(event.id); // the body excerpt starts with it
    expect(peek.stdout).toMatch(/reason: retries exhausted/);

    const dryRun = run('dead-letters/redrive-main.ts', 'notifications/loyalty', '--dry-run');
    expect(dryRun.status).toBe(0);
    expect(dryRun.stderr).toMatch(/would move [1-9]\d* message/);
    expect(await holds(dlq.url, event.detail.data.orderId)).toBe(true);

    const ambiguous = run('dead-letters/redrive-main.ts', 'analytics', '--dry-run');
    expect(ambiguous.status).toBe(2);
    expect(ambiguous.stderr).toMatch(
      /names 2 dead-letter queues[\s\S]*events\/analytics[\s\S]*notifications\/analytics/,
    );

    // Nothing on the emulator dead-letters into a rule target's DLQ: empty once cleared.
    await clear(resolveQueue(queues, 'fulfilment/saga-intake-route').url);
    const empty = run(
      'dead-letters/redrive-main.ts',
      '--bus-dlq',
      'fulfilment/saga-intake-route',
      '--dry-run',
    );
    expect(empty.status).toBe(0);
    expect(empty.stderr).toMatch(/OrderFulfilment\/SagaIntakeRoute: empty, nothing to move/);
    expect(empty.stderr).not.toMatch(/would move|moved 0/);

    const unknown = run('dead-letters/redrive-main.ts', 'no-such-queue');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Valid names[\s\S]*OrderNotifications\/EmailQueue/);

    const busWithoutFlag = run('dead-letters/redrive-main.ts', 'OrderEvents/Orders');
    expect(busWithoutFlag.status).toBe(2);
    expect(busWithoutFlag.stderr).toMatch(/Pass --bus-dlq/);

    // Clean up: redrive it; the loyalty consumer takes it.
    await redrive(clients, dlq, { rate: 50 });
    await effectsOf(event.detail.data.orderId, ['LOYALTY']);
  });
});
