import { type CloudFormationClient, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { referenceResolver } from '../dead-letters/dead-letters.js';
import type { StackTemplate } from '../shared/cdk-out.js';
import { resourceName } from '../shared/resource-names.js';
import { isMissingStack } from '../shared/stack-outputs.js';

/** A rule of a bus, by its resource name, and the detail types its pattern names (if any). */
export interface RuleRef {
  readonly name: string;
  readonly detailTypes?: readonly string[];
}

/** How events reach one queue: rules that target it, or a topic it subscribes to (and that topic's rules). */
export interface QueueRoute {
  /** The queue's resource name, e.g. `OrderEvents/FraudReviewQueue`. */
  readonly name: string;
  readonly rules: readonly RuleRef[];
  readonly topic?: { readonly name: string; readonly rules: readonly RuleRef[] };
}

/** What the trace needs to know of the app's wiring, from the synthesized templates. */
export interface Topology {
  /** The functions' log groups: deployed name → the function's resource name. */
  readonly logGroups: ReadonlyMap<string, string>;
  /** By the deployed queue's name (the last part of its URL or ARN). */
  readonly queues: ReadonlyMap<string, QueueRoute>;
}

/** `stack/logicalId` → physical id (a queue's URL, a log group's or a topic's name...). */
export type PhysicalIds = ReadonlyMap<string, string>;

const nameOf = (stackName: string, logicalId: string, resource: StackTemplate['resources'][string]) => {
  const path = resource.Metadata?.['aws:cdk:path'];
  return resourceName(typeof path === 'string' ? path : `${stackName}/${logicalId}`);
};

/**
 * The wiring of the deployed app: rule → queue and rule → topic → queue (each queue by its
 * deployed name, as a consumer's log line gives it), and the functions' log groups.
 */
export function topologyOf(templates: readonly StackTemplate[], physicalIds: PhysicalIds): Topology {
  const logGroups = new Map<string, string>();
  const queues = new Map<string, QueueRoute>();
  // Ref, GetAtt and another stack's export, as `stack/logicalId` (the dead-letter tools' resolver).
  const resolve = referenceResolver(templates);
  const keyOf = (stackName: string, value: unknown) => {
    const key = resolve(stackName, value);
    return key && `${key.stackName}/${key.logicalId}`;
  };
  const rulesByTarget = new Map<string, RuleRef[]>();
  const subscriptions = new Map<string, string>(); // queue → topic
  for (const t of templates) {
    for (const [logicalId, resource] of Object.entries(t.resources)) {
      const props = resource.Properties ?? {};
      if (resource.Type === 'AWS::Events::Rule') {
        const pattern = props.EventPattern as { 'detail-type'?: unknown } | undefined;
        const types = pattern?.['detail-type'];
        const rule: RuleRef = {
          name: nameOf(t.stackName, logicalId, resource),
          ...(Array.isArray(types) ? { detailTypes: types.filter((d) => typeof d === 'string') } : {}),
        };
        for (const target of Array.isArray(props.Targets) ? (props.Targets as { Arn?: unknown }[]) : []) {
          const id = keyOf(t.stackName, target.Arn);
          if (id) rulesByTarget.set(id, [...(rulesByTarget.get(id) ?? []), rule]);
        }
      }
      if (resource.Type === 'AWS::SNS::Subscription' && props.Protocol === 'sqs') {
        const queue = keyOf(t.stackName, props.Endpoint);
        const topic = keyOf(t.stackName, props.TopicArn);
        if (queue && topic) subscriptions.set(queue, topic);
      }
      const path = resource.Metadata?.['aws:cdk:path'];
      // Only the functions' groups: the saga's and the VPC's flow logs are not Powertools lines.
      if (
        resource.Type === 'AWS::Logs::LogGroup' &&
        typeof path === 'string' &&
        path.endsWith('/LogGroup/Resource')
      ) {
        const groupName = physicalIds.get(`${t.stackName}/${logicalId}`);
        if (groupName) logGroups.set(groupName, resourceName(path.replace(/\/LogGroup\/Resource$/, '')));
      }
    }
  }
  const resourceAt = (key: string) => {
    const [stackName = '', logicalId = ''] = key.split('/');
    const resource = templates.find((t) => t.stackName === stackName)?.resources[logicalId];
    return resource && nameOf(stackName, logicalId, resource);
  };
  for (const t of templates) {
    for (const [logicalId, resource] of Object.entries(t.resources)) {
      if (resource.Type !== 'AWS::SQS::Queue') continue;
      const key = `${t.stackName}/${logicalId}`;
      const url = physicalIds.get(key);
      if (!url) continue;
      const topicKey = subscriptions.get(key);
      const topicName = topicKey ? resourceAt(topicKey) : undefined;
      queues.set(url.split('/').at(-1) ?? url, {
        name: nameOf(t.stackName, logicalId, resource),
        rules: rulesByTarget.get(key) ?? [],
        ...(topicKey && topicName
          ? { topic: { name: topicName, rules: rulesByTarget.get(topicKey) ?? [] } }
          : {}),
      });
    }
  }
  return { logGroups, queues };
}

/** The physical ids of the deployed stacks' resources; a stack that is not deployed is skipped. */
export async function physicalIdsOf(
  cfn: Pick<CloudFormationClient, 'send'>,
  stackNames: readonly string[],
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  await Promise.all(
    stackNames.map(async (stackName) => {
      const result = await cfn
        .send(new DescribeStackResourcesCommand({ StackName: stackName }))
        .catch((error: unknown) => {
          if (isMissingStack(error)) return { StackResources: [] };
          throw error;
        });
      for (const r of result.StackResources ?? [])
        if (r.LogicalResourceId && r.PhysicalResourceId)
          ids.set(`${stackName}/${r.LogicalResourceId}`, r.PhysicalResourceId);
    }),
  );
  return ids;
}
