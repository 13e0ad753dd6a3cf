import { CloudFormationClient, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CreateArchiveCommand, EventBridgeClient, ListArchivesCommand } from '@aws-sdk/client-eventbridge';
import { GetTopicAttributesCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { EMULATOR_BRIDGE_METADATA } from '../../lib/emulator/emulator-compatibility.js';
import { readTemplates } from '../shared/cdk-out.js';
import { progress } from '../shared/progress.js';
import { ACCOUNT, clientConfig, REGION } from './emulator.js';

/**
 * SNS FIFO topics: the emulator's CloudFormation creates `AWS::SNS::Topic` with
 * `FifoTopic: true` as a standard topic (no ordering, no deduplication, MessageGroupId not
 * required). Its SetTopicAttributes accepts FifoTopic and ContentBasedDeduplication.
 */
async function snsFifoTopics(env: NodeJS.ProcessEnv): Promise<number> {
  const cfn = new CloudFormationClient(clientConfig(env));
  const sns = new SNSClient(clientConfig(env));
  let bridged = 0;
  for (const { stackName, resources } of readTemplates()) {
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

type Resolver = (value: unknown) => unknown;

/** Resolve the few intrinsic functions an archive definition uses, against a deployed stack. */
function resolverFor(physicalIds: Map<string, string>, env: NodeJS.ProcessEnv): Resolver {
  const region = env.AWS_REGION ?? REGION;
  const resolve: Resolver = (value) => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    if ('Ref' in record) {
      const ref = String(record.Ref);
      if (ref === 'AWS::AccountId') return ACCOUNT;
      if (ref === 'AWS::Region') return region;
      if (ref === 'AWS::Partition') return 'aws';
      const id = physicalIds.get(ref);
      if (id) return id;
      throw new Error(`emulator bridge: cannot resolve Ref ${ref}`);
    }
    if ('Fn::GetAtt' in record) {
      const [logicalId, attribute] = record['Fn::GetAtt'] as [string, string];
      const id = physicalIds.get(logicalId);
      if (id && attribute === 'Arn') {
        return id.startsWith('arn:') ? id : `arn:aws:events:${region}:${ACCOUNT}:event-bus/${id}`;
      }
      throw new Error(`emulator bridge: cannot resolve Fn::GetAtt ${logicalId}.${attribute}`);
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, resolve(v)]));
  };
  return resolve;
}

interface ArchiveDefinition {
  readonly SourceArn: string;
  readonly EventPattern?: unknown;
  readonly RetentionDays?: number;
  readonly Description?: string;
}

/**
 * EventBridge archives: the emulator's CloudFormation rejects `AWS::Events::Archive`, so the
 * emulator build (EmulatorCompatibility aspect) deploys a stand-in carrying the definition,
 * and this creates the archive through the EventBridge API, which the emulator supports.
 */
async function eventArchives(env: NodeJS.ProcessEnv): Promise<number> {
  const cfn = new CloudFormationClient(clientConfig(env));
  const eventBridge = new EventBridgeClient(clientConfig(env));
  let created = 0;
  for (const { stackName, resources } of readTemplates()) {
    const standIns = Object.entries(resources).filter(([, r]) => {
      const bridge = r.Metadata?.[EMULATOR_BRIDGE_METADATA] as { Type?: string } | undefined;
      return bridge?.Type === 'AWS::Events::Archive';
    });
    if (standIns.length === 0) continue;
    const deployed = await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }));
    const physicalIds = new Map(
      (deployed.StackResources ?? []).map((r) => [r.LogicalResourceId ?? '', r.PhysicalResourceId ?? '']),
    );
    const resolve = resolverFor(physicalIds, env);
    for (const [logicalId, resource] of standIns) {
      const bridge = resource.Metadata?.[EMULATOR_BRIDGE_METADATA] as { Properties: Record<string, unknown> };
      const archiveName = archiveNameFor(stackName, logicalId);
      const existing = await eventBridge.send(new ListArchivesCommand({ NamePrefix: archiveName }));
      if (existing.Archives?.some((a) => a.ArchiveName === archiveName)) continue;
      const props = resolve(bridge.Properties) as ArchiveDefinition;
      await eventBridge.send(
        new CreateArchiveCommand({
          ArchiveName: archiveName,
          EventSourceArn: props.SourceArn,
          EventPattern: props.EventPattern === undefined ? undefined : JSON.stringify(props.EventPattern),
          RetentionDays: props.RetentionDays,
          Description: props.Description,
        }),
      );
      created += 1;
    }
  }
  return created;
}

/** Archive names are at most 48 characters. */
export function archiveNameFor(stackName: string, logicalId: string): string {
  return `${stackName}-${logicalId}`.slice(0, 48);
}

/** Apply every bridge; say what was bridged. */
export async function applyEmulatorBridges(env: NodeJS.ProcessEnv): Promise<void> {
  const topics = await snsFifoTopics(env);
  if (topics > 0)
    progress.info(`emulator bridge: made ${topics} SNS FIFO topic(s) FIFO (docs/emulator-parity.md)`);
  const archives = await eventArchives(env);
  if (archives > 0)
    progress.info(`emulator bridge: created ${archives} EventBridge archive(s) (docs/emulator-parity.md)`);
}
