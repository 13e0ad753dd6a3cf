import { randomUUID } from 'node:crypto';
import {
  DeleteRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { AppClient } from '../../scripts/shared/app-client.js';
import { logLines } from '../../scripts/shared/logs.js';
import { settled, waitFor } from '../../scripts/shared/wait.js';

export { logLines, settled, waitFor };

/** The deployed app; integration tests run after `npm test` (or `npm run local`) deployed it. */
export function connect(): AppClient {
  return new AppClient();
}

export interface BusProbe {
  /** Take what the probe's queue holds; the bodies. */
  drain(): Promise<string[]>;
  /** Delete the rule and the queue. */
  remove(): Promise<void>;
}

/**
 * The test's own view of what the orders bus delivers: a temporary rule for `pattern` with a
 * queue of its own behind it, which no consumer reads (every route queue has one). Remove it
 * after use. The emulator does not check the queue policy AWS would need for the rule to send.
 */
export async function busProbe(app: AppClient, pattern: Record<string, unknown>): Promise<BusProbe> {
  const name = `test-probe-${randomUUID().slice(0, 8)}`;
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
    remove: async () => {
      await app.eventBridge.send(new RemoveTargetsCommand({ Rule: name, ...bus, Ids: ['probe'] }));
      await app.eventBridge.send(new DeleteRuleCommand({ Name: name, ...bus }));
      await app.sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    },
  };
}
