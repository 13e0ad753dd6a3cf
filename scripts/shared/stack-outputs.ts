import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { OUTPUTS_FILE, ROOT } from './paths.js';

/** The app's stacks an order passes through, in the order it meets them (bin/app.ts names them). */
export const ORDER_STACKS = ['OrderEvents', 'OrderFulfilment', 'OrderNotifications', 'OrderLog'] as const;

/** Whether CloudFormation refused a call because the stack is not deployed. */
export const isMissingStack = (error: unknown): boolean =>
  error instanceof Error && /does not exist|not found/i.test(error.message);

/** Stack name → output key → value, as `cdk deploy --outputs-file` writes it. */
export type StackOutputs = Record<string, Record<string, string>>;

/** The outputs of the last emulator deploy (`.local/outputs.json`). */
export function readOutputs(): StackOutputs {
  if (!existsSync(OUTPUTS_FILE)) {
    throw new Error(
      `${path.relative(ROOT, OUTPUTS_FILE)} is missing: deploy first (npm run local, or npm test).`,
    );
  }
  return JSON.parse(readFileSync(OUTPUTS_FILE, 'utf8')) as StackOutputs;
}

/** Every output of the deployed stacks, read from CloudFormation (a stack not deployed is left out). */
export async function deployedOutputs(
  cfn: Pick<CloudFormationClient, 'send'>,
  stackNames: readonly string[],
): Promise<StackOutputs> {
  const outputs: StackOutputs = {};
  for (const stackName of stackNames) {
    const stack = await cfn
      .send(new DescribeStacksCommand({ StackName: stackName }))
      .catch((error: unknown) => {
        if (isMissingStack(error)) return undefined;
        throw error;
      });
    const list = stack?.Stacks?.[0]?.Outputs;
    if (list)
      outputs[stackName] = Object.fromEntries(
        list.flatMap((o) => (o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [])),
      );
  }
  return outputs;
}

/** One output of a deployed stack, read from CloudFormation; `hint` says what to do without it. */
export async function stackOutput(
  cfn: Pick<CloudFormationClient, 'send'>,
  stackName: string,
  key: string,
  hint: string,
): Promise<string> {
  const stack = await cfn.send(new DescribeStacksCommand({ StackName: stackName })).catch((error: Error) => {
    throw new Error(`the ${stackName} stack could not be read (${error.message}); ${hint}.`);
  });
  const value = stack.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;
  if (!value) throw new Error(`the ${stackName} stack has no ${key} output; ${hint}.`);
  return value;
}

/** The orders bus: the OrderEvents stack's BusName output. */
export const deployedBusName = (cfn: Pick<CloudFormationClient, 'send'>): Promise<string> =>
  stackOutput(cfn, 'OrderEvents', 'BusName', 'deploy it or pass --bus');
