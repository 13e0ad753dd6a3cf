import { CfnResource, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { allowLogsToUseKey } from '../../shared/log-encryption.js';

/** The field a step's result must carry: `'OK'` to go on, anything else is a business failure. */
export const OUTCOME_OK = 'OK';

export interface SagaRetry {
  /** @default Duration.seconds(1) */
  readonly interval?: Duration;
  /** Attempts after the first. Range 0-99. @default 3 */
  readonly maxAttempts?: number;
  /** @default 2 */
  readonly backoffRate?: number;
  /** Ceiling of one wait. @default Duration.seconds(30) */
  readonly maxDelay?: Duration;
}

export interface SagaStep {
  /** PascalCase name, unique in the saga: becomes state names and `$.results.<name>`. */
  readonly name: string;
  /**
   * Does the step. Gets the saga state; returns `{ outcome: 'OK', ... }`, or a business
   * outcome such as `{ outcome: 'DECLINED', reason: 'PAYMENT_DECLINED' }` that stops the saga.
   * Throws only for technical faults, which are retried and then compensated.
   */
  readonly action: lambda.IFunction;
  /**
   * Undoes the step; must be idempotent, a no-op when there is nothing to undo, and leave a
   * mark that stops a late action from applying afterwards. Runs when the step completed, and
   * also when it faulted for good: a task that timed out may still have done its work.
   * @default none
   */
  readonly compensation?: lambda.IFunction;
  /**
   * For a step whose effect cannot be undone (the pivot) and may land after its task gave up:
   * runs once the step has faulted for good and decides it for good. Returns `{ outcome: 'OK' }`
   * if the step's effect did happen (the saga then goes on as if the step had succeeded), or
   * any other outcome after making sure the effect never will (the saga then compensates).
   * Retried by `compensationRetry`; if it fails for good the saga stops with `SettleFailed`.
   * @default none: a fault of the step is compensated like any other
   */
  readonly settle?: lambda.IFunction;
  /** Retry of the step's action. @default the saga's retry */
  readonly retry?: SagaRetry;
  /** @default the saga's taskTimeout */
  readonly timeout?: Duration;
}

export interface SagaOutcomes {
  /** @default 'COMPLETED' */
  readonly completed?: string;
  /** @default 'COMPENSATED' */
  readonly compensated?: string;
}

export interface SagaProps {
  /** The steps, in order. 1-20. */
  readonly steps: readonly SagaStep[];
  /** Runs after the last step succeeded, e.g. to publish the outcome. @default nothing */
  readonly onSuccess?: lambda.IFunction;
  /**
   * Runs after the compensations, with `$.failure = { step, reason }`, e.g. to publish a
   * cancellation. @default nothing
   */
  readonly onCompensated?: lambda.IFunction;
  /**
   * The `outcome` an execution's output names, in the caller's words: `{ outcome: completed }`
   * after every step succeeded, `{ outcome: compensated, step, reason }` after a refusal or a
   * fault was compensated. Both end the execution SUCCEEDED: a business refusal is not an
   * incident, so ExecutionsFailed counts only what needs a person.
   * @default { completed: 'COMPLETED', compensated: 'COMPENSATED' }
   */
  readonly outcomes?: SagaOutcomes;
  /**
   * STANDARD: exactly-once start per execution name, up to a year, priced per state transition.
   * EXPRESS: at-least-once, up to 5 minutes, priced per request and duration.
   * @default sfn.StateMachineType.STANDARD
   */
  readonly stateMachineType?: sfn.StateMachineType;
  /** Retry of the actions. @default 1 s, 3 attempts, backoff 2, 30 s cap */
  readonly retry?: SagaRetry;
  /**
   * Retry of the tasks that must not give up: compensations, settles and the two hooks (they
   * run after the outcome is decided). Longer than the actions' by default: giving up on one
   * leaves a half-done order for a person to repair.
   * @default 1 s, 10 attempts, backoff 2, 30 s cap
   */
  readonly compensationRetry?: SagaRetry;
  /** Timeout of each task. @default Duration.seconds(30) */
  readonly taskTimeout?: Duration;
  /** Timeout of a whole execution. @default Duration.minutes(5) */
  readonly timeout?: Duration;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** @default sfn.LogLevel.ALL (every event, without its data unless includeExecutionData) */
  readonly logLevel?: sfn.LogLevel;
  /**
   * Log each state's input and output too. Off by default: a saga's state is an order, with a
   * customer's e-mail and address; turn it on only where a log reader needs the data (the
   * execution history of a Standard workflow has it anyway, for 90 days).
   * @default false
   */
  readonly includeExecutionData?: boolean;
  /**
   * Customer-managed key for the state machine's data (definition, execution input and
   * output) and its execution log group; the key policy gets what Step Functions and
   * CloudWatch Logs need (an imported key needs it added by you).
   * @default an AWS-owned key for the state machine, CloudWatch Logs' own encryption for the logs
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * A saga on Step Functions: runs the actions in order; when a step returns a business failure
 * or fails for good after its retries, runs the compensations of the steps that completed, in
 * reverse order. Either way the execution SUCCEEDS, its output naming the outcome; it FAILS only
 * when a compensation, settle or hook could not finish (a person must look). Every task retries
 * with exponential backoff and full jitter and has a timeout; faults are caught as `States.ALL`,
 * never by error name.
 *
 * @see https://docs.aws.amazon.com/prescriptive-guidance/latest/cloud-design-patterns/saga.html
 */
export class Saga extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly logGroup: logs.LogGroup;
  public readonly failedAlarm: cloudwatch.Alarm;
  public readonly timedOutAlarm: cloudwatch.Alarm;
  /** Names of the compensation states in the order they run (last completed step first). */
  public readonly compensationOrder: string[] = [];

  private readonly retry: SagaRetry;
  private readonly compensationRetry: SagaRetry;
  private readonly taskTimeout: Duration;
  private readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: SagaProps) {
    super(scope, id);
    validate(props);
    this.retry = props.retry ?? {};
    this.compensationRetry = { maxAttempts: 10, ...props.compensationRetry };
    this.taskTimeout = props.taskTimeout ?? Duration.seconds(30);
    this.encryptionKey = props.encryptionKey;
    const outcomes = { completed: 'COMPLETED', compensated: 'COMPENSATED', ...props.outcomes };

    const compensationEntry = this.compensations(props, outcomes.compensated);
    const start = this.actions(props, this.completion(props, outcomes.completed), compensationEntry);
    ({ stateMachine: this.stateMachine, logGroup: this.logGroup } = this.machine(props, start));
    acknowledgeInvokeWildcards(this.stateMachine, sagaFunctions(props));
    ({ failed: this.failedAlarm, timedOut: this.timedOutAlarm } = this.alarms());
  }

  /**
   * Lets `grantee` start executions. With a customer-managed key, StartExecution also needs
   * kms:GenerateDataKey and kms:Decrypt on it (Step Functions encrypts the input for the caller),
   * which `stateMachine.grantStartExecution` alone does not give.
   */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    this.encryptionKey?.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
    return this.stateMachine.grantStartExecution(grantee);
  }

  /** A Lambda task with the saga's retry (backoff, full jitter, cap) and a timeout. */
  private invoke(name: string, fn: lambda.IFunction, resultPath: string, r: SagaRetry, timeout?: Duration) {
    const task = new tasks.LambdaInvoke(this, name, {
      lambdaFunction: fn,
      payloadResponseOnly: true,
      // The saga's own retry (with jitter and a cap) handles Lambda service errors too.
      retryOnServiceExceptions: false,
      resultPath,
      taskTimeout: sfn.Timeout.duration(timeout ?? this.taskTimeout),
    });
    task.addRetry({
      errors: [sfn.Errors.ALL],
      interval: r.interval ?? Duration.seconds(1),
      maxAttempts: r.maxAttempts ?? 3,
      backoffRate: r.backoffRate ?? 2,
      maxDelay: r.maxDelay ?? Duration.seconds(30),
      jitterStrategy: sfn.JitterType.FULL,
    });
    return task;
  }

  /**
   * A task that runs after the outcome is decided: retried long, and if it still fails the
   * run stops loudly at a Fail state for a person, rather than pretending.
   */
  private mustSucceed(
    name: string,
    fn: lambda.IFunction,
    resultPath: string,
    timeout: Duration | undefined,
    failure: { error: string; cause: string },
  ) {
    const task = this.invoke(name, fn, resultPath, this.compensationRetry, timeout);
    task.addCatch(new sfn.Fail(this, `${name}Failed`, failure), {
      errors: [sfn.Errors.ALL],
      resultPath: `$.errors.${name}`,
    });
    return task;
  }

  /**
   * The compensations: one chain entered at the last step's check, so the last completed step
   * is undone first; each runs unless its step never ran or refused. It ends in the outcome
   * `compensated`, then the hook, then a Succeed state. Returns the chain's entry.
   */
  private compensations(props: SagaProps, outcome: string): sfn.IChainable {
    // The outcome is recorded before the hook runs, so the hook sees what the output will say.
    const compensated = new sfn.Pass(this, 'Compensated', {
      parameters: { outcome, 'step.$': '$.failure.step', 'reason.$': '$.failure.reason' },
      resultPath: '$.outcome',
    });
    // The output is the outcome alone: the state (the order, the step results) stays in the
    // execution history, not in what callers and logs receive.
    const end = new sfn.Succeed(this, 'SucceededAfterCompensation', { outputPath: '$.outcome' });
    compensated.next(
      props.onCompensated
        ? this.invoke('OnCompensated', props.onCompensated, '$.onCompensated', this.compensationRetry).next(
            end,
          )
        : end,
    );
    let entry: sfn.IChainable = compensated;
    for (const step of props.steps) {
      if (!step.compensation) continue;
      const task = this.mustSucceed(
        `Compensate${step.name}`,
        step.compensation,
        `$.compensations.${step.name}`,
        step.timeout,
        { error: 'CompensationFailed', cause: `Compensating ${step.name} failed` },
      );
      // Undo unless the step never ran or refused (a refusal did nothing); a fault or a result
      // without an outcome may hide work done, so those are undone too.
      const result = `$.results.${step.name}`;
      entry = new sfn.Choice(this, `Did${step.name}Complete`)
        .when(sfn.Condition.isNotPresent(result), entry)
        .when(
          sfn.Condition.and(
            sfn.Condition.isPresent(`${result}.outcome`),
            sfn.Condition.not(sfn.Condition.stringEquals(`${result}.outcome`, OUTCOME_OK)),
          ),
          entry,
        )
        .otherwise(task.next(entry));
      this.compensationOrder.unshift(`Compensate${step.name}`);
    }
    return entry;
  }

  /** After the last step: the outcome `completed`, the hook, a Succeed state. Returns its entry. */
  private completion(props: SagaProps, outcome: string): sfn.IChainable {
    const completed = new sfn.Pass(this, 'Completed', { parameters: { outcome }, resultPath: '$.outcome' });
    const succeeded = new sfn.Succeed(this, 'Succeeded', { outputPath: '$.outcome' });
    completed.next(
      props.onSuccess
        ? this.invoke('OnSuccess', props.onSuccess, '$.onSuccess', this.compensationRetry).next(succeeded)
        : succeeded,
    );
    return completed;
  }

  /**
   * The actions, in order, each followed by a Choice on its business outcome; a refusal, a
   * fault or a malformed result records `$.failure` and enters the compensations. Built from
   * the last step back, so each knows what follows it. Returns the first action.
   */
  private actions(
    props: SagaProps,
    completion: sfn.IChainable,
    compensations: sfn.IChainable,
  ): sfn.IChainable {
    let next = completion;
    for (const step of [...props.steps].reverse()) {
      const result = `$.results.${step.name}`;
      const action = this.invoke(
        step.name,
        step.action,
        result,
        { ...this.retry, ...step.retry },
        step.timeout,
      );
      // The error lands where the result would have: the compensation chain reads it there.
      const technical = new sfn.Pass(this, `${step.name}Faulted`, {
        parameters: { step: step.name, reason: 'TECHNICAL_FAILURE', 'error.$': result },
        resultPath: '$.failure',
      });
      technical.next(compensations);
      if (step.settle) {
        const settle = this.mustSucceed(
          `Settle${step.name}`,
          step.settle,
          `$.settlements.${step.name}`,
          step.timeout,
          { error: 'SettleFailed', cause: `Settling ${step.name} after its fault failed` },
        );
        action.addCatch(settle, { errors: [sfn.Errors.ALL], resultPath: result });
        settle.next(
          new sfn.Choice(this, `Did${step.name}HappenAfterAll?`)
            .when(isOk(`$.settlements.${step.name}`), next)
            .otherwise(technical),
        );
      } else {
        action.addCatch(technical, { errors: [sfn.Errors.ALL], resultPath: result });
      }
      const declined = new sfn.Pass(this, `${step.name}Declined`, {
        parameters: { step: step.name, 'reason.$': `$.results.${step.name}.reason` },
        resultPath: '$.failure',
      }).next(compensations);
      // A result without an outcome, or a refusal without a reason, is a bug in the step:
      // treat it as a technical fault rather than failing the run with nothing undone.
      const malformed = new sfn.Pass(this, `${step.name}ReturnedNoOutcome`, {
        parameters: { step: step.name, reason: 'TECHNICAL_FAILURE' },
        resultPath: '$.failure',
      }).next(compensations);
      const check = new sfn.Choice(this, `${step.name}Succeeded?`)
        .when(isOk(result), next)
        .when(sfn.Condition.isPresent(`${result}.reason`), declined)
        .otherwise(malformed);
      next = action.next(check);
    }
    return next;
  }

  /** The state machine and its execution log group. */
  private machine(props: SagaProps, start: sfn.IChainable) {
    if (props.encryptionKey) allowLogsToUseKey(this, props.encryptionKey);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(start),
      stateMachineType: props.stateMachineType ?? sfn.StateMachineType.STANDARD,
      timeout: props.timeout ?? Duration.minutes(5),
      tracingEnabled: true,
      logs: {
        destination: logGroup,
        level: props.logLevel ?? sfn.LogLevel.ALL,
        includeExecutionData: props.includeExecutionData ?? false,
      },
      encryptionConfiguration: props.encryptionKey
        ? new sfn.CustomerManagedEncryptionConfiguration(props.encryptionKey)
        : new sfn.AwsOwnedEncryptionConfiguration(),
    });
    return { stateMachine, logGroup };
  }

  /**
   * A compensated saga ends SUCCEEDED, so every failed execution needs a person: a
   * compensation, settle or hook that gave up, or a runtime error. Timeouts get their own alarm.
   */
  private alarms() {
    const alarm = (id: string, description: string, metric: cloudwatch.IMetric) =>
      new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    const every = { statistic: 'Sum', period: Duration.minutes(5) };
    return {
      failed: alarm(
        'FailedExecutionsAlarm',
        `Executions of ${this.node.path} failed: a compensation, settle or hook could not finish.`,
        this.stateMachine.metricFailed(every),
      ),
      timedOut: alarm(
        'TimedOutExecutionsAlarm',
        `Executions of ${this.node.path} ran past the saga timeout: their compensations did not run.`,
        this.stateMachine.metricTimedOut(every),
      ),
    };
  }
}

/** Every function the saga invokes. */
function sagaFunctions(props: SagaProps): lambda.IFunction[] {
  return [
    ...props.steps.flatMap((s) => [
      s.action,
      ...(s.compensation ? [s.compensation] : []),
      ...(s.settle ? [s.settle] : []),
    ]),
    ...(props.onSuccess ? [props.onSuccess] : []),
    ...(props.onCompensated ? [props.onCompensated] : []),
  ];
}

/** A step result at `path` says OK (the presence check keeps a missing outcome from failing the run). */
const isOk = (path: string) =>
  sfn.Condition.and(
    sfn.Condition.isPresent(`${path}.outcome`),
    sfn.Condition.stringEquals(`${path}.outcome`, OUTCOME_OK),
  );

/** The findings cdk-nag raises on the grants Step Functions needs, each with its reason. */
function acknowledgeInvokeWildcards(stateMachine: sfn.StateMachine, functions: lambda.IFunction[]): void {
  const findings = new Set<string>();
  for (const fn of functions) {
    const resource = fn.node.defaultChild;
    if (!(resource instanceof CfnResource)) continue;
    const stack = Stack.of(resource);
    findings.add(`AwsSolutions-IAM5[Resource::<${stack.resolve(stack.getLogicalId(resource))}.Arn>:*]`);
  }
  for (const fn of functions) {
    Validations.of(fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Invoked synchronously by Step Functions: a failure is retried and then caught by the saga.',
    });
  }
  Validations.of(stateMachine.role).acknowledge(
    ...[...findings].map((id) => ({
      id,
      reason: "LambdaInvoke grants the saga's own function and its versions (ARN:*); no other function.",
    })),
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray and CloudWatch Logs delivery actions support no resource-level permissions.',
    },
  );
}

/** The ids of the saga's own states and resources, which a step name must not take. */
const RESERVED_NAMES = new Set([
  'Compensated',
  'Completed',
  'Succeeded',
  'SucceededAfterCompensation',
  'OnSuccess',
  'OnCompensated',
  'Logs',
  'StateMachine',
  'FailedExecutionsAlarm',
  'TimedOutExecutionsAlarm',
]);

function validate(props: SagaProps): void {
  if (props.steps.length < 1 || props.steps.length > 20) {
    throw new Error(`Saga: a saga has 1 to 20 steps, got ${props.steps.length}.`);
  }
  const names = new Set<string>();
  for (const step of props.steps) {
    if (!/^[A-Z][A-Za-z0-9]*$/.test(step.name)) {
      throw new Error(
        `Saga: step name '${step.name}' must be PascalCase letters and digits (it names states and JSON paths).`,
      );
    }
    if (names.has(step.name)) throw new Error(`Saga: step name '${step.name}' is used twice.`);
    if (
      RESERVED_NAMES.has(step.name) ||
      ['Compensate', 'Settle', 'Did'].some((p) => step.name.startsWith(p))
    ) {
      throw new Error(
        `Saga: step name '${step.name}' clashes with the saga's own states (${[...RESERVED_NAMES].join(', ')}, Compensate…, Settle…, Did…).`,
      );
    }
    names.add(step.name);
  }
  for (const r of [props.retry, props.compensationRetry, ...props.steps.map((s) => s.retry)]) {
    if (
      r?.maxAttempts !== undefined &&
      !Token.isUnresolved(r.maxAttempts) &&
      (!Number.isInteger(r.maxAttempts) || r.maxAttempts < 0 || r.maxAttempts > 99)
    ) {
      throw new Error(`Saga: retry maxAttempts must be a whole number from 0 to 99, got ${r.maxAttempts}.`);
    }
    if (r?.backoffRate !== undefined && !Token.isUnresolved(r.backoffRate) && r.backoffRate < 1) {
      throw new Error(`Saga: retry backoffRate must be at least 1, got ${r.backoffRate}.`);
    }
  }
  const timeout = props.timeout;
  if (
    props.stateMachineType === sfn.StateMachineType.EXPRESS &&
    timeout &&
    !timeout.isUnresolved() &&
    timeout.toSeconds() > 300
  ) {
    throw new Error(
      `Saga: an EXPRESS state machine runs at most 5 minutes, got a timeout of ${timeout.toHumanString()}.`,
    );
  }
}
