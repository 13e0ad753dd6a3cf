/**
 * Stands in for `@aws-lambda-powertools/jmespath` inside Lambda bundles (LAMBDA_ESBUILD_ARGS
 * aliases it here): Powertools idempotency imports its JMESPath engine, but calls it only for
 * `eventKeyJmesPath` or `payloadValidationJmesPath`, which this app does not set (it takes the
 * key with a function, lambdas/shared/idempotency.ts). About 23 KB per bundle. Using it fails
 * loudly.
 */
export function search(): never {
  throw new Error(
    'The JMESPath engine is not bundled: take the idempotency key with a function (lambdas/shared/idempotency.ts, lib/stacks/app-functions.ts).',
  );
}

/** IdempotencyConfig creates one as its default custom functions; nothing calls them. */
export class PowertoolsFunctions {}
