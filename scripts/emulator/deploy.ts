import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { LOCAL_DIR, OUTPUTS_FILE, ROOT } from '../shared/paths.js';
import { progress } from '../shared/progress.js';
import { run } from '../shared/run.js';
import { readOutputs, type StackOutputs } from '../shared/stack-outputs.js';
import { requireLocalBroker } from '../stream/event-source-process.js';
import { applyEmulatorBridges } from './bridge.js';
import { ACCOUNT, clientConfig, emulatorEnv, REGION } from './emulator.js';

const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');

/** Stack outputs by stack name, as `cdk deploy --outputs-file` writes them. */

async function isBootstrapped(env: NodeJS.ProcessEnv): Promise<boolean> {
  const cfn = new CloudFormationClient(clientConfig(env));
  try {
    const result = await cfn.send(new DescribeStacksCommand({ StackName: 'CDKToolkit' }));
    return result.Stacks?.[0]?.StackStatus?.endsWith('_COMPLETE') ?? false;
  } catch {
    return false;
  }
}

/** Bootstrap (once), deploy every stack to the emulator, apply the emulator bridges. */
export interface DeployOptions {
  /** Extra CDK context, e.g. `{ faults: '{...}' }` for a chaos run's test deployment. */
  readonly context?: Readonly<Record<string, string>>;
}

export async function deployToEmulator(endpoint: string, options: DeployOptions = {}): Promise<StackOutputs> {
  if (!existsSync(CDK)) throw new Error('the CDK CLI is missing: run `npm ci` first.');
  const env = emulatorEnv(endpoint);
  mkdirSync(LOCAL_DIR, { recursive: true });
  // The topic provisioner creates the order log's topic on the local broker during the deploy.
  await requireLocalBroker('Deploying the app to the emulator (its order log, a Kafka topic)');
  if (!(await isBootstrapped(env))) {
    progress.step(`Bootstrapping CDK in the emulator (aws://${ACCOUNT}/${REGION})`);
    await run(CDK, ['bootstrap', `aws://${ACCOUNT}/${REGION}`], { env, quiet: true });
  }
  progress.step('Synthesizing and deploying every stack (esbuild bundles the handlers)');
  const started = Date.now();
  // target=emulator applies the EmulatorCompatibility aspect (bin/app.ts); AWS deploys never pass it.
  const args = ['deploy', '--all', '--require-approval', 'never', '--context', 'target=emulator'];
  for (const [key, value] of Object.entries(options.context ?? {})) args.push('--context', `${key}=${value}`);
  await run(CDK, [...args, '--outputs-file', OUTPUTS_FILE], { env, quiet: true });
  await applyEmulatorBridges(env);
  progress.ok(`Deployed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return readOutputs();
}
