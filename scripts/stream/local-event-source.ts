import { CloudFormationClient, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { logLevel } from 'kafkajs';
import { EMULATOR_BRIDGE_METADATA } from '../../lib/emulator/emulator-compatibility.js';
import { ACCOUNT, clientConfig, REGION } from '../emulator/emulator.js';
import { bootstrapServers, clusterLayout } from '../kafka/config.js';
import { kafkaClient } from '../kafka/engine.js';
import { readTemplates, type StackTemplate } from '../shared/cdk-out.js';
import { type RunningBridge, startBridge } from './msk-bridge.js';
import type { InvokeResult } from './msk-poller.js';

/**
 * The local MSK event source: for each MSK event source mapping of the synthesized app (the
 * emulator build keeps its definition in the stand-in's metadata), a consumer in the
 * mapping's group on the local broker that invokes the deployed function with the MSK event,
 * commits only after it succeeded, retries and bisects as the mapping says, and sends what it
 * gives up on to the mapping's on-failure queue. See docs/emulator-parity.md.
 */

/** An MSK event source mapping as the local event source runs it. */
export interface LocalMapping {
  readonly stackName: string;
  readonly logicalId: string;
  readonly functionName: string;
  readonly topic: string;
  readonly groupId: string;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly batchSize: number;
  readonly windowMs: number;
  readonly retryAttempts: number;
  readonly bisectBatchOnError: boolean;
  readonly reportBatchItemFailures: boolean;
  /** URL of the on-failure queue. */
  readonly onFailureQueueUrl: string | undefined;
}

interface MappingDefinition {
  readonly FunctionName?: unknown;
  readonly Topics?: readonly string[];
  readonly ConsumerGroupId?: string;
  readonly StartingPosition?: string;
  readonly BatchSize?: number;
  readonly MaximumBatchingWindowInSeconds?: number;
  readonly MaximumRetryAttempts?: number;
  readonly BisectBatchOnFunctionError?: boolean;
  readonly FunctionResponseTypes?: readonly string[];
  readonly OnFailureDestination?: unknown;
}

/** The MSK mappings' definitions in the templates, by stack. */
export function mappingDefinitions(
  templates: readonly StackTemplate[],
): Array<{ stackName: string; logicalId: string; definition: MappingDefinition }> {
  const out: Array<{ stackName: string; logicalId: string; definition: MappingDefinition }> = [];
  for (const { stackName, resources } of templates) {
    for (const [logicalId, r] of Object.entries(resources)) {
      const bridge = r.Metadata?.[EMULATOR_BRIDGE_METADATA] as
        | { Type?: string; Properties?: MappingDefinition }
        | undefined;
      if (bridge?.Type === 'AWS::Lambda::EventSourceMapping' && bridge.Properties)
        out.push({ stackName, logicalId, definition: bridge.Properties });
    }
  }
  return out;
}

/** The logical id a `Ref` or `Fn::GetAtt` names. */
function referencedId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') return record.Ref;
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}

/** A mapping's definition against its deployed stack's physical ids. */
export function resolveMapping(
  stackName: string,
  logicalId: string,
  d: MappingDefinition,
  physicalIds: ReadonlyMap<string, string>,
): LocalMapping {
  const where = `${stackName}/${logicalId}`;
  const physical = (value: unknown, what: string) => {
    if (typeof value === 'string') return value;
    const id = referencedId(value);
    const resolved = id === undefined ? undefined : physicalIds.get(id);
    if (!resolved)
      throw new Error(`local event source ${where}: cannot resolve its ${what} (${JSON.stringify(value)}).`);
    return resolved;
  };
  const topic = d.Topics?.[0];
  if (!topic || !d.ConsumerGroupId)
    throw new Error(`local event source ${where}: the mapping names no topic or consumer group.`);
  return {
    stackName,
    logicalId,
    functionName: physical(d.FunctionName, 'function'),
    topic,
    groupId: d.ConsumerGroupId,
    startingPosition: d.StartingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON',
    batchSize: d.BatchSize ?? 100,
    windowMs: (d.MaximumBatchingWindowInSeconds ?? 0.5) * 1000,
    // -1 (forever) is what AWS defaults to; with an on-failure destination it applies 10.
    retryAttempts:
      d.MaximumRetryAttempts === undefined || d.MaximumRetryAttempts < 0 ? 10 : d.MaximumRetryAttempts,
    bisectBatchOnError: d.BisectBatchOnFunctionError ?? false,
    reportBatchItemFailures: d.FunctionResponseTypes?.includes('ReportBatchItemFailures') ?? false,
    onFailureQueueUrl:
      d.OnFailureDestination === undefined ? undefined : physical(d.OnFailureDestination, 'on-failure queue'),
  };
}

/** Every MSK mapping of the deployed app, resolved. */
export async function localMappings(env: NodeJS.ProcessEnv): Promise<LocalMapping[]> {
  const cfn = new CloudFormationClient(clientConfig(env));
  const byStack = new Map<string, Map<string, string>>();
  const mappings: LocalMapping[] = [];
  for (const { stackName, logicalId, definition } of mappingDefinitions(
    readTemplates(undefined, 'the local event source reads the MSK event source mappings from them'),
  )) {
    let ids = byStack.get(stackName);
    if (!ids) {
      const deployed = await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }));
      ids = new Map(
        (deployed.StackResources ?? []).map((r) => [r.LogicalResourceId ?? '', r.PhysicalResourceId ?? '']),
      );
      byStack.set(stackName, ids);
    }
    mappings.push(resolveMapping(stackName, logicalId, definition, ids));
  }
  return mappings;
}

/** What an Invoke came back with, as the event source reads it. */
export function invokeResult(
  functionError: string | undefined,
  payload: Uint8Array | undefined,
): InvokeResult {
  const text = payload ? Buffer.from(payload).toString('utf8') : '';
  if (functionError) {
    let message = text;
    try {
      const parsed = JSON.parse(text) as { errorType?: string; errorMessage?: string };
      message = [parsed.errorType, parsed.errorMessage].filter(Boolean).join(': ') || text;
    } catch {
      // Not JSON: keep the text.
    }
    return { ok: false, error: message || functionError };
  }
  return { ok: true };
}

export interface LocalEventSource {
  readonly mappings: readonly LocalMapping[];
  stop(): Promise<void>;
}

/** Start one consumer per mapping on the local broker; `log` hears each delivered batch. */
export async function startLocalEventSource(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void = () => {},
): Promise<LocalEventSource> {
  const mappings = await localMappings(env);
  const lambda = new LambdaClient(clientConfig(env));
  const sqs = new SQSClient(clientConfig(env));
  const layout = clusterLayout(1);
  const brokers = bootstrapServers(layout);
  const kafka = kafkaClient(layout, 'local-msk-event-source', logLevel.ERROR);
  const running: RunningBridge[] = [];
  for (const m of mappings) {
    running.push(
      await startBridge(kafka, {
        topic: m.topic,
        groupId: m.groupId,
        startingPosition: m.startingPosition,
        batchSize: m.batchSize,
        windowMs: m.windowMs,
        settings: {
          eventSourceArn: `arn:aws:kafka:${env.AWS_REGION ?? REGION}:${ACCOUNT}:cluster/${m.stackName}/local-broker`,
          bootstrapServers: brokers,
          retryAttempts: m.retryAttempts,
          bisectBatchOnError: m.bisectBatchOnError,
          reportBatchItemFailures: m.reportBatchItemFailures,
        },
        ports: {
          invoke: async (event) => {
            const out = await lambda.send(
              new InvokeCommand({ FunctionName: m.functionName, Payload: JSON.stringify(event) }),
            );
            return invokeResult(out.FunctionError, out.Payload);
          },
          sendFailure: async (record) => {
            if (!m.onFailureQueueUrl) return;
            await sqs.send(
              new SendMessageCommand({ QueueUrl: m.onFailureQueueUrl, MessageBody: JSON.stringify(record) }),
            );
          },
        },
        onBatch: (partition, committed, failed) =>
          log(
            `${m.groupId}: ${m.topic}-${partition} delivered, committed ${committed}` +
              (failed.length > 0 ? `, ${failed.length} record(s) to the on-failure queue` : ''),
          ),
      }),
    );
    log(`${m.groupId}: ${m.topic} → ${m.functionName} (batch ${m.batchSize}, window ${m.windowMs} ms)`);
  }
  return { mappings, stop: async () => void (await Promise.allSettled(running.map((r) => r.stop()))) };
}
