import { EMULATOR_BRIDGE_METADATA } from '../../lib/emulator/emulator-compatibility.js';
import { type ResourceKey, referenceResolver } from '../dead-letters/dead-letters.js';
import type { StackTemplate, TemplateResource } from '../shared/cdk-out.js';
import { resourceName } from '../shared/resource-names.js';
import { ORDER_STACKS } from '../shared/stack-outputs.js';
import type {
  EdgeKind,
  NodeKind,
  RuleView,
  SubscriptionView,
  Topology,
  TopologyEdge,
  TopologyNode,
} from './model.js';

/**
 * The app's topology from its synthesized templates: what the console draws. Only what carries
 * orders is kept (buses, rules, queues, functions, topics, the saga, the event store, the Kafka
 * topic and its groups); a resource that nothing connects to (alarm topics, tables a function
 * merely uses) is left out.
 */

const KIND_OF_TYPE: Readonly<Record<string, NodeKind>> = {
  'AWS::Events::EventBus': 'bus',
  'AWS::Events::Rule': 'rule',
  'AWS::SQS::Queue': 'queue',
  'AWS::Lambda::Function': 'function',
  'AWS::SNS::Topic': 'topic',
  'AWS::StepFunctions::StateMachine': 'state-machine',
  'Custom::KafkaTopic': 'kafka-topic',
};

interface MskMapping {
  readonly FunctionName?: unknown;
  readonly Topics?: readonly string[];
  readonly ConsumerGroupId?: string;
  readonly BatchSize?: number;
  readonly MaximumBatchingWindowInSeconds?: number;
  readonly StartingPosition?: string;
  readonly OnFailureDestination?: unknown;
}

/** How a function's edge to what it names is labelled, by that resource's kind. */
const SENDS: Partial<Record<NodeKind, string>> = {
  bus: 'publishes',
  topic: 'publishes',
  'kafka-topic': 'appends',
  'state-machine': 'starts',
  'event-store': 'appends',
  queue: 'sends',
};

const keyOf = (k: ResourceKey) => `${k.stackName}/${k.logicalId}`;
const json = (value: unknown) => JSON.stringify(value);
const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};

/** Every `Ref` / `Fn::GetAtt` / `Fn::ImportValue` inside a value (e.g. a state machine's `Fn::Join`). */
function referencesIn(value: unknown, found: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const v of value) referencesIn(v, found);
  else if (value !== null && typeof value === 'object') {
    const r = value as Record<string, unknown>;
    if ('Ref' in r || 'Fn::GetAtt' in r || 'Fn::ImportValue' in r) found.push(value);
    else for (const v of Object.values(r)) referencesIn(v, found);
  }
  return found;
}

/** The drawing's name for a resource: its construct name without the stack, `DeadLetterQueue` as DLQ. */
function labelOf(cdkPath: string): string {
  const name = resourceName(cdkPath).split('/').slice(1).join('/');
  return name
    .replace(/\/DeadLetterQueue$/, ' DLQ')
    .replace(/\/DeliveryDeadLetterQueue$/, ' delivery DLQ')
    .replace(/\/FailureQueue$/, ' failure queue')
    .replace(/\/Bus$/, '');
}

export function extractTopology(
  templates: readonly StackTemplate[],
  stacks: readonly string[] = ORDER_STACKS,
): Topology {
  const chosen = templates.filter((t) => stacks.includes(t.stackName));
  const resolve = referenceResolver(chosen);
  const nodes = new Map<string, TopologyNode & { details: Record<string, string>; aliases: string[] }>();
  const edges: TopologyEdge[] = [];
  const rules: RuleView[] = [];
  const subscriptions: SubscriptionView[] = [];
  const kafkaTopics = new Map<string, string>(); // topic name -> node id

  const eachResource = (visit: (t: StackTemplate, logicalId: string, r: TemplateResource) => void) => {
    for (const t of chosen) for (const [logicalId, r] of Object.entries(t.resources)) visit(t, logicalId, r);
  };
  const pathOf = (t: StackTemplate, logicalId: string, r: TemplateResource) => {
    const p = r.Metadata?.['aws:cdk:path'];
    return typeof p === 'string' ? p : `${t.stackName}/${logicalId}`;
  };
  /** The node id a template value points at, when that resource is drawn. */
  const target = (stackName: string, value: unknown): string | undefined => {
    const ref = resolve(stackName, value);
    const id = ref ? keyOf(ref) : undefined;
    return id && nodes.has(id) ? id : undefined;
  };
  const connect = (
    from: string | undefined,
    to: string | undefined,
    label: string,
    kind: EdgeKind = 'flow',
  ) => {
    if (!from || !to || from === to) return;
    if (edges.some((e) => e.from === from && e.to === to && e.kind === kind)) return;
    edges.push({ from, to, kind, label });
  };

  // Nodes first, so that edges can tell a drawn resource from one that is not.
  eachResource((t, logicalId, r) => {
    const props = r.Properties ?? {};
    const isEventStore = r.Type === 'AWS::DynamoDB::Table' && props.StreamSpecification !== undefined;
    const kind = isEventStore ? 'event-store' : KIND_OF_TYPE[r.Type];
    if (!kind) return;
    const cdkPath = pathOf(t, logicalId, r);
    const label =
      kind === 'kafka-topic' && typeof props.TopicName === 'string' ? props.TopicName : labelOf(cdkPath);
    const id = `${t.stackName}/${logicalId}`;
    const construct = resourceName(cdkPath).split('/').slice(1);
    nodes.set(id, {
      id,
      kind,
      label,
      stackName: t.stackName,
      logicalId,
      path: cdkPath,
      details: {},
      aliases: [label, construct.join('/')],
    });
    if (kind === 'kafka-topic') kafkaTopics.set(label, id);
  });

  eachResource((t, logicalId, r) => {
    const id = `${t.stackName}/${logicalId}`;
    const props = r.Properties ?? {};
    const node = nodes.get(id);

    if (r.Type === 'AWS::Events::Rule' && node) {
      const bus = target(t.stackName, props.EventBusName);
      connect(bus, id, 'rule');
      const pattern = json(props.EventPattern ?? {});
      node.details.pattern = pattern;
      const targets: string[] = [];
      for (const tg of Array.isArray(props.Targets) ? props.Targets : []) {
        const to = target(t.stackName, record(tg).Arn);
        connect(id, to, 'rule target');
        if (to) targets.push(nodes.get(to)?.label ?? to);
        connect(
          id,
          target(t.stackName, record(record(tg).DeadLetterConfig).Arn),
          'undeliverable',
          'dead-letter',
        );
      }
      rules.push({
        nodeId: id,
        name: node.label,
        bus: bus ? (nodes.get(bus)?.label ?? bus) : 'default',
        pattern,
        targets,
      });
    }

    if (r.Type === 'AWS::SQS::Queue') {
      const redrive = record(props.RedrivePolicy);
      const receives = redrive.maxReceiveCount;
      connect(
        id,
        target(t.stackName, redrive.deadLetterTargetArn),
        `after ${typeof receives === 'number' ? receives : '?'} receives`,
        'dead-letter',
      );
    }

    if (r.Type === 'AWS::SNS::Subscription') {
      const topic = target(t.stackName, props.TopicArn);
      const endpoint = target(t.stackName, props.Endpoint);
      const filter = props.FilterPolicy === undefined ? undefined : json(props.FilterPolicy);
      connect(topic, endpoint, filter ? 'subscription (filter policy)' : 'subscription');
      connect(
        topic,
        target(t.stackName, record(props.RedrivePolicy).deadLetterTargetArn),
        'undeliverable',
        'dead-letter',
      );
      if (topic && endpoint) {
        subscriptions.push({
          topic: nodes.get(topic)?.label ?? topic,
          endpoint: nodes.get(endpoint)?.label ?? endpoint,
          protocol: String(props.Protocol ?? ''),
          ...(filter ? { filterPolicy: filter } : {}),
          ...(typeof props.FilterPolicyScope === 'string'
            ? { filterPolicyScope: props.FilterPolicyScope }
            : {}),
        });
      }
    }

    if (r.Type === 'AWS::Lambda::EventSourceMapping') {
      const fn = target(t.stackName, props.FunctionName);
      const source = target(t.stackName, props.EventSourceArn);
      connect(source, fn, nodes.get(source ?? '')?.kind === 'event-store' ? 'table stream' : 'event source');
      const onFailure = record(record(props.DestinationConfig).OnFailure).Destination;
      connect(fn, target(t.stackName, onFailure), 'on failure', 'dead-letter');
    }

    // An MSK mapping: on the emulator a stand-in whose definition is in its metadata.
    const bridge = record(r.Metadata?.[EMULATOR_BRIDGE_METADATA]);
    const msk =
      r.Type === 'AWS::Lambda::EventSourceMapping' && Array.isArray(props.Topics)
        ? ({
            ...props,
            ConsumerGroupId: record(props.AmazonManagedKafkaEventSourceConfig).ConsumerGroupId,
            OnFailureDestination: record(record(props.DestinationConfig).OnFailure).Destination,
          } as MskMapping)
        : bridge.Type === 'AWS::Lambda::EventSourceMapping'
          ? (record(bridge.Properties) as MskMapping)
          : undefined;
    if (msk?.ConsumerGroupId && msk.Topics?.[0]) {
      const groupId = `group:${msk.ConsumerGroupId}`;
      nodes.set(groupId, {
        id: groupId,
        kind: 'consumer-group',
        label: msk.ConsumerGroupId,
        stackName: t.stackName,
        path: msk.ConsumerGroupId,
        details: {
          topic: msk.Topics[0],
          'batch size': String(msk.BatchSize ?? 100),
          'batching window': `${msk.MaximumBatchingWindowInSeconds ?? 0} s`,
          'starting position': msk.StartingPosition ?? 'TRIM_HORIZON',
        },
        aliases: [msk.ConsumerGroupId],
      });
      connect(kafkaTopics.get(msk.Topics[0]), groupId, 'consumer group');
      connect(groupId, target(t.stackName, msk.FunctionName), 'invokes');
      connect(groupId, target(t.stackName, msk.OnFailureDestination), 'on failure', 'dead-letter');
    }

    if (r.Type === 'AWS::StepFunctions::StateMachine') {
      for (const ref of referencesIn(props.DefinitionString)) connect(id, target(t.stackName, ref), 'task');
    }

    // What a function is given by name is what it sends to: a bus, topic, queue, the saga, the store.
    if (r.Type === 'AWS::Lambda::Function') {
      const variables = record(record(props.Environment).Variables);
      for (const [name, value] of Object.entries(variables)) {
        // A consumer is given its topic too (with its group); only a producer appends.
        if (name === 'KAFKA_TOPIC' && typeof value === 'string') {
          if (variables.KAFKA_CONSUMER_GROUP !== undefined) continue;
          connect(id, kafkaTopics.get(value), SENDS['kafka-topic'] ?? 'appends');
          continue;
        }
        const to = target(t.stackName, value);
        if (/DEAD_LETTER|FAILURE/.test(name)) connect(id, to, 'dead-letters', 'dead-letter');
        else connect(id, to, SENDS[nodes.get(to ?? '')?.kind ?? 'queue'] ?? 'sends');
      }
    }
  });

  // A consumer dead-letters where its queue does: one edge (from the queue) says it.
  const said = (from: string, to: string, kind: EdgeKind) =>
    edges.some((e) => e.from === from && e.to === to && e.kind === kind);
  const drawn = edges.filter(
    (e) =>
      e.kind !== 'dead-letter' ||
      !edges.some((q) => q.to === e.from && q.kind === 'flow' && said(q.from, e.to, 'dead-letter')),
  );
  edges.splice(0, edges.length, ...drawn);

  // A queue that something dead-letters into is a dead-letter queue.
  for (const e of edges) {
    const to = nodes.get(e.to);
    if (e.kind === 'dead-letter' && to?.kind === 'queue')
      nodes.set(e.to, { ...to, kind: 'dead-letter-queue' });
  }
  const connected = new Set(edges.flatMap((e) => [e.from, e.to]));
  const kept = [...nodes.values()].filter((n) => connected.has(n.id) || n.kind === 'bus');
  return {
    nodes: kept,
    edges,
    rules,
    subscriptions,
    stacks: stacks.filter((s) => kept.some((n) => n.stackName === s)),
  };
}
