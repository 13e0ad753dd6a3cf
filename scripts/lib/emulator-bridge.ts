import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CloudFormationClient, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { GetTopicAttributesCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { clientConfig } from './emulator.js';
import { CDK_OUT } from './paths.js';
import { progress } from './progress.js';

/**
 * Emulator-only bridges, applied after `cdk deploy` to an emulator and never to AWS. Each one
 * re-applies, through the service API, something the emulator's CloudFormation drops; each is
 * a row of docs/emulator-parity.md and checks first, so it does nothing once the emulator is
 * fixed.
 */
interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

function templates(): Array<{ stackName: string; resources: Record<string, TemplateResource> }> {
  const manifest = JSON.parse(readFileSync(path.join(CDK_OUT, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string; stackName?: string } }>;
  };
  return Object.entries(manifest.artifacts)
    .filter(([, a]) => a.type === 'aws:cloudformation:stack' && a.properties?.templateFile)
    .map(([id, a]) => {
      const file = path.join(CDK_OUT, a.properties?.templateFile ?? '');
      const template = JSON.parse(readFileSync(file, 'utf8')) as {
        Resources?: Record<string, TemplateResource>;
      };
      return { stackName: a.properties?.stackName ?? id, resources: template.Resources ?? {} };
    });
}

/**
 * SNS FIFO topics: the emulator's CloudFormation creates `AWS::SNS::Topic` with
 * `FifoTopic: true` as a standard topic (no ordering, no deduplication, MessageGroupId not
 * required). Its SetTopicAttributes accepts FifoTopic and ContentBasedDeduplication.
 */
async function snsFifoTopics(env: NodeJS.ProcessEnv): Promise<number> {
  const cfn = new CloudFormationClient(clientConfig(env));
  const sns = new SNSClient(clientConfig(env));
  let bridged = 0;
  for (const { stackName, resources } of templates()) {
    const fifoTopics = Object.entries(resources).filter(
      ([, r]) => r.Type === 'AWS::SNS::Topic' && String(r.Properties?.FifoTopic) === 'true',
    );
    if (fifoTopics.length === 0) continue;
    const deployed = await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }));
    for (const [logicalId, resource] of fifoTopics) {
      const topicArn = deployed.StackResources?.find(
        (r) => r.LogicalResourceId === logicalId,
      )?.PhysicalResourceId;
      if (!topicArn) throw new Error(`emulator bridge: ${stackName}/${logicalId} was not deployed.`);
      const current = await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
      if (current.Attributes?.FifoTopic === 'true') continue;
      const dedup = String(resource.Properties?.ContentBasedDeduplication ?? false);
      await sns.send(
        new SetTopicAttributesCommand({
          TopicArn: topicArn,
          AttributeName: 'FifoTopic',
          AttributeValue: 'true',
        }),
      );
      await sns.send(
        new SetTopicAttributesCommand({
          TopicArn: topicArn,
          AttributeName: 'ContentBasedDeduplication',
          AttributeValue: dedup,
        }),
      );
      bridged += 1;
    }
  }
  return bridged;
}

/** Apply every bridge; say what was bridged. */
export async function applyEmulatorBridges(env: NodeJS.ProcessEnv): Promise<void> {
  const topics = await snsFifoTopics(env);
  if (topics > 0)
    progress.info(
      `emulator bridge: made ${topics} SNS topic(s) FIFO as their templates declare (docs/emulator-parity.md)`,
    );
}
