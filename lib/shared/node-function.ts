import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { allowLogsToUseKey } from './log-encryption.js';

export interface NodeFunctionProps extends Omit<nodejs.NodejsFunctionProps, 'logGroup'> {
  /** Path of the handler module. */
  readonly entry: string;
  /**
   * Service name for Powertools logs, metrics and traces.
   * @default the construct id
   */
  readonly serviceName?: string;
  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Customer-managed key for the function's log group; its key policy gets the statement
   * CloudWatch Logs needs (an imported key needs it added by you).
   * @default CloudWatch Logs' own encryption at rest
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * CloudWatch namespace of the function's Powertools metrics (`POWERTOOLS_METRICS_NAMESPACE`).
   * @default not set: Powertools Metrics then uses its own default namespace
   */
  readonly metricsNamespace?: string;
  /**
   * Whether Node applies the bundle's source map to stack traces (`NODE_OPTIONS=--enable-source-maps`).
   * Readable stack traces cost cold start: Node reads and parses the map when it loads the
   * bundle (measured on an email-notifier bundle with Node 20: about 10 ms more to import it,
   * 25 ms more for the whole process, and 8 MiB more memory). The map ships in the asset either
   * way, for tools that map a logged stack back to the sources.
   * @default false
   */
  readonly sourceMapsAtRuntime?: boolean;
}

/**
 * A NodejsFunction with the defaults every handler here wants: Node.js 22 on arm64, esbuild
 * ESM bundle with the AWS SDK inside (pinned versions; the local emulator ships no SDK),
 * source maps (applied at run time only when asked: they cost cold start), active tracing, an
 * explicit log group with retention, and Powertools settings.
 * Where the lock file and project root are (`depsLockFilePath`, `projectRoot`) and any extra
 * esbuild arguments (`bundling.esbuildArgs`) are the app's to say, through NodejsFunction's
 * own props.
 *
 * The function, its log group and its role are children of this construct, which names them
 * (`Default`, `LogGroup`, `Role`). The function's id `Default` gives it the logical id a
 * function with this construct's id would have, and makes it `node.defaultChild`.
 */
export class NodeFunction extends Construct implements iam.IGrantable {
  /** The Lambda function, e.g. for event sources, metrics and Step Functions tasks. */
  public readonly function: nodejs.NodejsFunction;
  public readonly logGroup: logs.LogGroup;
  /** The execution role: the one given, or this construct's own. */
  public readonly role: iam.IRole;
  public readonly grantPrincipal: iam.IPrincipal;
  public readonly functionName: string;
  public readonly functionArn: string;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    const {
      serviceName = id,
      logRetention = logs.RetentionDays.ONE_MONTH,
      logEncryptionKey,
      metricsNamespace,
      sourceMapsAtRuntime = false,
      bundling,
      environment,
      ...rest
    } = props;
    if (logEncryptionKey) allowLogsToUseKey(this, logEncryptionKey);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logRetention,
      encryptionKey: logEncryptionKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole: it may write to this log group only.
    this.role =
      props.role ??
      new iam.Role(this, 'Role', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Execution role of ${id}`,
      });
    if (!props.role) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [this.logGroup.logGroupArn],
        }),
      );
    }
    this.function = new nodejs.NodejsFunction(this, 'Default', {
      role: this.role,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      loggingFormat: lambda.LoggingFormat.JSON,
      logGroup: this.logGroup,
      ...rest,
      environment: {
        ...(sourceMapsAtRuntime ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        POWERTOOLS_SERVICE_NAME: serviceName,
        ...(metricsNamespace ? { POWERTOOLS_METRICS_NAMESPACE: metricsNamespace } : {}),
        ...environment,
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // index.meta.json next to the bundle: what `npm run bench` reads bundle sizes from.
        metafile: true,
        bundleAwsSDK: true,
        mainFields: ['module', 'main'],
        // CommonJS dependencies (kafkajs) require() Node built-ins; give the ESM bundle a require.
        banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
        ...bundling,
        // Dependencies' license notices in index.mjs.LEGAL.txt beside the bundle, not at its
        // end: shipped, but not parsed at every cold start. The app's own arguments are added.
        esbuildArgs: { '--legal-comments': 'external', ...bundling?.esbuildArgs },
      },
    });
    this.grantPrincipal = this.function.grantPrincipal;
    this.functionName = this.function.functionName;
    this.functionArn = this.function.functionArn;
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; nothing else is granted on *.',
    });
    const pinned =
      'Runtime pinned to nodejs22.x on purpose: the bundle targets node22 and upgrades are a reviewed change.';
    Validations.of(this.function).acknowledge(
      { id: 'AwsSolutions-L1', reason: pinned },
      { id: 'Serverless-LambdaLatestVersion', reason: pinned },
    );
  }
}

/** The handler function of a consumer pattern (QueueConsumer, KafkaConsumer). */
export interface ConsumerFunctionOptions {
  readonly entry: string;
  readonly timeout: Duration;
  /** @default 256, or functionProps.memorySize */
  readonly memorySize?: number;
  /** The pattern's variables; they win over functionProps.environment. */
  readonly environment: Record<string, string>;
  /** Powertools idempotency: the table the function gets the name of and access to, and how long a record is kept. */
  readonly idempotency?: { readonly table: dynamodb.ITable; readonly expiry: Duration };
  readonly functionProps?: Partial<NodeFunctionProps>;
}

/**
 * A consumer pattern's function, `Function` in its scope and named for Powertools after it,
 * with the idempotency table's name, expiry and the item access Powertools needs (and the
 * table's key, when it has a customer-managed one).
 */
export function consumerFunction(scope: Construct, options: ConsumerFunctionOptions): NodeFunction {
  const { idempotency, functionProps } = options;
  const fn = new NodeFunction(scope, 'Function', {
    serviceName: scope.node.id,
    ...functionProps,
    entry: options.entry,
    timeout: options.timeout,
    memorySize: options.memorySize ?? functionProps?.memorySize ?? 256,
    environment: {
      ...functionProps?.environment,
      ...options.environment,
      ...(idempotency
        ? {
            IDEMPOTENCY_TABLE_NAME: idempotency.table.tableName,
            IDEMPOTENCY_EXPIRY_SECONDS: String(idempotency.expiry.toSeconds()),
          }
        : {}),
    },
  });
  if (idempotency) {
    idempotency.table.encryptionKey?.grantEncryptDecrypt(fn);
    idempotency.table.grant(
      fn,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    );
  }
  return fn;
}
