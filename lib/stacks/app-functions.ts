import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { NodeFunctionProps } from '../shared/node-function.js';

/** Root of the repository, where package-lock.json and lambdas/ live. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Absolute path of a handler under lambdas/, e.g. `lambdaEntry('email-notifier')`. */
export function lambdaEntry(functionDir: string, file = 'handler.ts'): string {
  return path.join(PROJECT_ROOT, 'lambdas', functionDir, file);
}

/** Metric namespace shared by every function of the reference app. */
export const METRICS_NAMESPACE = 'OrderFulfilment';

/**
 * Extra esbuild arguments for every handler bundle. The alias swaps the SDK's default
 * credential provider chain for environment credentials only, which is all Lambda ever
 * supplies (see lambdas/shared/lambda-credentials.ts): about 135 KB less per bundle. The path
 * is relative to the project root, where local bundling runs esbuild.
 */
export const LAMBDA_ESBUILD_ARGS = {
  '--alias': '@aws-sdk/credential-provider-node=./lambdas/shared/lambda-credentials.ts',
  // Powertools' Kafka utility imports its Avro and Protobuf deserialisers (optional peers, not
  // installed) even when records are JSON, as this app's are: stand-ins that say so if used.
  '--alias:avro-js': './lambdas/shared/absent-deserialisers.ts',
  '--alias:protobufjs': './lambdas/shared/absent-deserialisers.ts',
  // The MSK IAM signer's profile, role and caller-identity variants, which no function uses.
  '--alias:@aws-sdk/credential-providers': './lambdas/shared/msk-signer-unused.ts',
  '--alias:@aws-sdk/client-sts': './lambdas/shared/msk-signer-unused.ts',
  // Powertools idempotency's JMESPath engine: the app takes keys with functions (23 KB).
  '--alias:@aws-lambda-powertools/jmespath': './lambdas/shared/absent-jmespath.ts',
  '--alias:@aws-lambda-powertools/jmespath/functions': './lambdas/shared/absent-jmespath.ts',
  // DynamoDB's endpoint discovery cache, for a discovery that is off (8 KB).
  '--alias:@aws-sdk/endpoint-cache': './lambdas/shared/absent-endpoint-cache.ts',
  // The SDK's event-stream serde, imported on demand and inlined by a one-file bundle (15 KB).
  '--alias:@smithy/core/event-streams': './lambdas/shared/absent-event-streams.ts',
} as const;

/**
 * What every function of this app adds to NodeFunction's defaults: the app's metric
 * namespace, the repository's lock file and root (bundling runs from there, whatever the
 * working directory), and the credentials alias. Spread it into each NodeFunction, or pass it
 * as a QueueConsumer's `functionProps`.
 */
export const APP_FUNCTION_PROPS = {
  metricsNamespace: METRICS_NAMESPACE,
  depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
  projectRoot: PROJECT_ROOT,
  bundling: { esbuildArgs: LAMBDA_ESBUILD_ARGS },
} as const satisfies Partial<NodeFunctionProps>;

/** APP_FUNCTION_PROPS, with the stack's key (if any) for the function's log group. */
export function appFunctionProps(logEncryptionKey?: kms.IKey): Partial<NodeFunctionProps> {
  return { ...APP_FUNCTION_PROPS, logEncryptionKey };
}
