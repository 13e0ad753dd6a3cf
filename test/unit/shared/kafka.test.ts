import type { KafkaConfig } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { kafkaConfig, kafkaConnectionFromEnv } from '../../../lambdas/shared/kafka.js';

// The logger kafka.ts uses is created on import: silenced first.
vi.hoisted(() => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
});

const BROKERS = 'boot-a.kafka-serverless.eu-west-1.amazonaws.com:9098';

/** The token provider of an IAM config (kafkajs types SASL as a union of mechanisms). */
const oauthBearer = (sasl: KafkaConfig['sasl']) =>
  sasl && 'oauthBearerProvider' in sasl ? sasl.oauthBearerProvider : undefined;

// No brokers or region from the machine running the tests: each test sets what it needs.
beforeEach(() => {
  vi.stubEnv('KAFKA_BOOTSTRAP_BROKERS', undefined);
  vi.stubEnv('AWS_REGION', undefined);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('kafkaConnectionFromEnv', () => {
  it('splits the bootstrap brokers on commas and trims each', () => {
    // GIVEN a broker list with spaces and an empty entry
    const env = { KAFKA_BOOTSTRAP_BROKERS: ` ${BROKERS} , boot-b:9098,, `, KAFKA_AUTH: 'iam' };

    // WHEN it is read THEN the brokers are the two host:port pairs
    expect(kafkaConnectionFromEnv(env).brokers).toEqual([BROKERS, 'boot-b:9098']);
  });

  it('fails naming KAFKA_BOOTSTRAP_BROKERS when there are none', () => {
    // GIVEN no brokers anywhere
    // WHEN it is read THEN the error names the variable
    expect(() => kafkaConnectionFromEnv({})).toThrow(/KAFKA_BOOTSTRAP_BROKERS/);
  });

  it('fails when the list holds only separators, and reads the env it is given, not the process', () => {
    // GIVEN brokers in the process, and an env whose list has no broker in it
    vi.stubEnv('KAFKA_BOOTSTRAP_BROKERS', BROKERS);
    // WHEN that env is read THEN it is refused
    expect(() => kafkaConnectionFromEnv({ KAFKA_BOOTSTRAP_BROKERS: ' , ' })).toThrow(
      /KAFKA_BOOTSTRAP_BROKERS lists no broker/,
    );
  });

  it('authenticates with IAM when KAFKA_AUTH is not set', () => {
    // GIVEN brokers and no KAFKA_AUTH
    // WHEN it is read THEN the auth is MSK Serverless' only one
    expect(kafkaConnectionFromEnv({ KAFKA_BOOTSTRAP_BROKERS: BROKERS }).auth).toBe('iam');
  });

  it('takes KAFKA_AUTH none for a plaintext broker', () => {
    // GIVEN the emulator build's setting
    // WHEN it is read THEN the connection has no auth
    expect(kafkaConnectionFromEnv({ KAFKA_BOOTSTRAP_BROKERS: BROKERS, KAFKA_AUTH: 'none' }).auth).toBe(
      'none',
    );
  });

  it('refuses any other KAFKA_AUTH, saying what it accepts and what it got', () => {
    // GIVEN a mechanism it does not support
    const env = { KAFKA_BOOTSTRAP_BROKERS: BROKERS, KAFKA_AUTH: 'scram' };

    // WHEN it is read THEN the error says both
    expect(() => kafkaConnectionFromEnv(env)).toThrow("KAFKA_AUTH must be 'iam' or 'none', got 'scram'.");
  });
});

describe('kafkaConfig', () => {
  it('connects in plaintext without SASL when the auth is none', () => {
    // GIVEN a connection to a local broker
    // WHEN its config is built
    const config = kafkaConfig({ brokers: ['127.0.0.1:29092'], auth: 'none' }, 'order-audit');

    // THEN it names the client and brokers, and has neither TLS nor SASL
    expect(config).toMatchObject({ clientId: 'order-audit', brokers: ['127.0.0.1:29092'] });
    expect(config.ssl).toBeUndefined();
    expect(config.sasl).toBeUndefined();
  });

  it('uses TLS and SASL/OAUTHBEARER with a token provider when the auth is IAM', () => {
    // GIVEN a region
    vi.stubEnv('AWS_REGION', 'eu-west-1');

    // WHEN an IAM connection's config is built
    const config = kafkaConfig({ brokers: [BROKERS], auth: 'iam' }, 'outbox-relay');

    // THEN it has TLS, the OAUTHBEARER mechanism and a provider to call per connection
    expect(config.ssl).toBe(true);
    expect(config.sasl?.mechanism).toBe('oauthbearer');
    expect(oauthBearer(config.sasl)).toBeTypeOf('function');
  });

  it('fails naming AWS_REGION when the auth is IAM and no region is set', () => {
    // GIVEN no region
    // WHEN an IAM connection's config is built THEN the error names the variable
    expect(() => kafkaConfig({ brokers: [BROKERS], auth: 'iam' }, 'outbox-relay')).toThrow(/AWS_REGION/);
  });

  it("signs the token for the region's kafka-cluster:Connect with the function's credentials, offline", async () => {
    // GIVEN a region and (fake) credentials in the environment, as Lambda gives a function
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    const provider = oauthBearer(kafkaConfig({ brokers: [BROKERS], auth: 'iam' }, 'outbox-relay').sasl);

    // WHEN kafkajs asks for a token
    const token = await provider?.();

    // THEN it is a presigned Connect URL for that region (base64url), signed with that key
    const url = Buffer.from(token?.value ?? '', 'base64url').toString('utf8');
    expect(url).toMatch(/^https:\/\/kafka\.eu-west-1\.amazonaws\.com\/\?Action=kafka-cluster%3AConnect&/);
    expect(url).toContain('X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F');
  });
});
