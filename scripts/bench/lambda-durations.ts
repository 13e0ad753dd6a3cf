import { CloudFormationClient, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { clientConfig, emulatorEnv } from '../emulator/emulator.js';
import type { StackTemplate } from '../shared/cdk-out.js';
import { resourceName, shortName } from '../shared/resource-names.js';
import { type Summary, summarize } from '../shared/stats.js';

/** How long one function's invocations ran, from the REPORT lines of its log group. */
export interface FunctionDuration {
  /** The construct id, as the cost model keys durations: `EmailNotifier`, `ReserveStock`. */
  readonly name: string;
  readonly durationMs: Summary;
}

/** `Duration: 12.3 ms` of a Lambda REPORT line; undefined for any other line. */
export function reportDurationMs(message: string): number | undefined {
  if (!message.startsWith('REPORT RequestId:')) return undefined;
  const match = /\tDuration: ([\d.]+) ms/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** The functions of the given stacks whose log group a template names (LoggingConfig). */
export function functionsWithLogGroups(
  stacks: ReadonlyArray<Pick<StackTemplate, 'stackName' | 'resources'>>,
): Array<{ stackName: string; name: string; logGroupLogicalId: string }> {
  return stacks.flatMap(({ stackName, resources }) =>
    Object.values(resources).flatMap((r) => {
      const path = r.Metadata?.['aws:cdk:path'];
      const ref = (r.Properties?.LoggingConfig as { LogGroup?: { Ref?: string } } | undefined)?.LogGroup?.Ref;
      if (r.Type !== 'AWS::Lambda::Function' || typeof path !== 'string' || !ref) return [];
      return [{ stackName, name: shortName(resourceName(path)), logGroupLogicalId: ref }];
    }),
  );
}

/**
 * The invocation durations every function of `stacks` logged on the endpoint so far (the
 * emulator writes REPORT lines as Lambda does). Functions that never ran are left out.
 */
export async function functionDurations(
  endpoint: string,
  stacks: ReadonlyArray<Pick<StackTemplate, 'stackName' | 'resources'>>,
): Promise<FunctionDuration[]> {
  const config = clientConfig(emulatorEnv(endpoint));
  const cfn = new CloudFormationClient(config);
  const logs = new CloudWatchLogsClient(config);
  const results: FunctionDuration[] = [];
  for (const fn of functionsWithLogGroups(stacks)) {
    const { StackResourceDetail: detail } = await cfn.send(
      new DescribeStackResourceCommand({ StackName: fn.stackName, LogicalResourceId: fn.logGroupLogicalId }),
    );
    const logGroupName = detail?.PhysicalResourceId;
    if (!logGroupName) continue;
    const durations: number[] = [];
    let nextToken: string | undefined;
    do {
      const page = await logs.send(new FilterLogEventsCommand({ logGroupName, nextToken }));
      for (const e of page.events ?? []) {
        const ms = reportDurationMs(e.message ?? '');
        if (ms !== undefined) durations.push(ms);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    if (durations.length > 0) results.push({ name: fn.name, durationMs: summarize(durations) });
  }
  return results;
}
