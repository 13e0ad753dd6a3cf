import { type FromEnvInit, fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` inside Lambda bundles (NodeFunction aliases
 * it here), so the SDK clients' default `credentialDefaultProvider` resolves to this.
 *
 * Why: Lambda hands the execution role's credentials to the function as AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, and the default chain tries those first anyway.
 * The rest of the chain (SSO, ini files, process, web identity, container and instance metadata,
 * with their STS/SSO clients) can never answer in Lambda, yet it was about a fifth of each
 * bundle. The emulator's Lambda workers get their credentials the same way.
 * Outside bundles (tests, scripts) the real default chain applies.
 */
export const defaultProvider = (init: FromEnvInit = {}) => fromEnv(init);
