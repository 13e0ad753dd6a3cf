import { randomUUID } from 'node:crypto';
import {
  DeleteRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import type { AppClient } from './app-client.js';

export interface BusProbe {
  /** Take what the probe's queue holds; the bodies. */
  drain(): Promise<string[]>;
  /** Take what the probe's queue holds, with SQS's attributes (SentTimestamp: when it arrived). */
  take(): Promise<Message[]>;
  /** Delete the rule and the queue. */
  remove(): Promise<void>;
}

/**
 * A view of what the orders bus delivers, for tests and benchmarks: a temporary rule for
 * `pattern` with a queue of its own behind it, which no consumer reads (every route queue has
 * one). Remove it after use. The emulator does not check the queue policy AWS would need for
 * the rule to send.
 */
export async function busProbe(
  app: AppClient,
  pattern: Record<string, unknown>,
  prefix = 'test-probe',
): Promise<BusProbe> {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  const bus = { EventBusName: app.busOutput('BusName') };
  const { QueueUrl: url } = await app.sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!url) throw new Error(`CreateQueue returned no URL for ${name}`);
  const { Attributes } = await app.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  await app.eventBridge.send(
    new PutRuleCommand({ Name: name, ...bus, EventPattern: JSON.stringify(pattern), State: 'ENABLED' }),
  );
  await app.eventBridge.send(
    new PutTargetsCommand({ Rule: name, ...bus, Targets: [{ Id: 'probe', Arn: Attributes?.QueueArn }] }),
  );
  return {
    drain: () => app.drain(url),
    take: () => app.take(url),
    remove: async () => {
      await app.eventBridge.send(new RemoveTargetsCommand({ Rule: name, ...bus, Ids: ['probe'] }));
      await app.eventBridge.send(new DeleteRuleCommand({ Name: name, ...bus }));
      await app.sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    },
  };
}
