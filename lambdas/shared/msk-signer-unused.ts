/**
 * Stands in for `@aws-sdk/credential-providers` and `@aws-sdk/client-sts` inside Lambda bundles
 * (LAMBDA_ESBUILD_ARGS aliases them here). aws-msk-iam-sasl-signer-js imports both at load
 * for the variants that read a profile, assume a role or log the caller's identity; the
 * functions sign with `generateAuthTokenFromCredentialsProvider` and the environment's
 * credentials (lambdas/shared/kafka.ts), which need neither: about 500 KB less per bundle.
 */
const unused = (what: string) => (): never => {
  throw new Error(
    `${what} is not bundled: sign with the environment's credentials (lambdas/shared/kafka.ts).`,
  );
};

export const fromIni = unused('fromIni');
export const fromTemporaryCredentials = unused('fromTemporaryCredentials');
export const fromNodeProviderChain = unused('fromNodeProviderChain');

export class STSClient {
  constructor() {
    unused('STSClient')();
  }
}

export class GetCallerIdentityCommand {
  constructor() {
    unused('GetCallerIdentityCommand')();
  }
}
