import { Duration, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { queueDepthAlarm, serviceDeadLetterQueue } from '../../shared/dead-letter.js';

/** Where a route delivers; `input` replaces the event with a slimmer payload. */
export type RouteTarget =
  | { readonly queue: sqs.IQueue; readonly messageGroupId?: string; readonly input?: events.RuleTargetInput }
  | { readonly function: lambda.IFunction; readonly input?: events.RuleTargetInput }
  | { readonly stateMachine: sfn.IStateMachine; readonly input?: events.RuleTargetInput }
  | { readonly topic: sns.ITopic; readonly input?: events.RuleTargetInput };

export interface RetryPolicy {
  /**
   * How long EventBridge keeps retrying a failed delivery. Range 60 s - 24 h.
   * @default Duration.hours(2)
   */
  readonly maxEventAge?: Duration;
  /**
   * Retries after the first failed delivery. Range 0-185.
   * @default 8
   */
  readonly retryAttempts?: number;
}

export interface EventRouteProps extends RetryPolicy {
  /** The bus the rule listens on. */
  readonly bus: events.IEventBus;
  /** What to match; build it from the event contracts' constants, not string literals. */
  readonly pattern: events.EventPattern;
  /** One to five targets. */
  readonly targets: readonly RouteTarget[];
  readonly description?: string;
  /**
   * Where an event goes when every delivery attempt to a target failed. Must be a standard
   * queue (EventBridge cannot dead-letter to FIFO queues).
   * @default a new encrypted, TLS-only queue with 14 days of retention and an alarm
   */
  readonly deadLetterQueue?: sqs.IQueue;
}

/**
 * One rule on a bus, with a retry policy and a dead-letter queue on every target. Use it on
 * a bus owned by another stack (each consumer owns its routes), or through EventRouter.addRoute.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
export class EventRoute extends Construct {
  public readonly rule: events.Rule;
  public readonly deadLetterQueue: sqs.IQueue;
  public readonly deadLetterAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: EventRouteProps) {
    super(scope, id);
    const maxEventAge = props.maxEventAge ?? Duration.hours(2);
    const retryAttempts = props.retryAttempts ?? 8;
    validateRoute(props, maxEventAge, retryAttempts);

    if (props.deadLetterQueue) {
      this.deadLetterQueue = props.deadLetterQueue;
    } else {
      this.deadLetterQueue = serviceDeadLetterQueue(
        this,
        'DeadLetterQueue',
        "the rule's targets (DeadLetterConfig)",
      );
      this.deadLetterAlarm = queueDepthAlarm(
        this,
        'DeadLetterAlarm',
        this.deadLetterQueue,
        `EventBridge could not deliver events of ${this.node.path} to a target.`,
      );
    }

    const retry = { deadLetterQueue: this.deadLetterQueue, maxEventAge, retryAttempts };
    this.rule = new events.Rule(this, 'Rule', {
      eventBus: props.bus,
      eventPattern: props.pattern,
      description: props.description,
      targets: props.targets.map((t, i) => toTarget(this, i, t, retry)),
    });
  }
}

function toTarget(
  scope: Construct,
  index: number,
  t: RouteTarget,
  retry: { deadLetterQueue: sqs.IQueue; maxEventAge: Duration; retryAttempts: number },
): events.IRuleTarget {
  if ('queue' in t)
    return new targets.SqsQueue(t.queue, { ...retry, message: t.input, messageGroupId: t.messageGroupId });
  if ('function' in t) return new targets.LambdaFunction(t.function, { ...retry, event: t.input });
  if ('stateMachine' in t) return new targets.SfnStateMachine(t.stateMachine, { ...retry, input: t.input });
  return new targets.SnsTopic(t.topic, {
    ...retry,
    message: t.input,
    role: topicPublisherRole(scope, index, t.topic),
  });
}

/**
 * EventBridge publishes to a topic through a role of the route's, so that the topic's policy
 * admits no service principal (a service principal there would admit any rule). The role may
 * publish to this topic and use its key, with exact actions; it is passed on without policy
 * updates, so the target's own grant (which asks for kms:GenerateDataKey*) adds nothing.
 */
function topicPublisherRole(scope: Construct, index: number, topic: sns.ITopic): iam.IRole {
  const role = new iam.Role(scope, `TopicPublisherRole${index}`, {
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
    description: `EventBridge publishes ${scope.node.path} events to its topic target with this role`,
  });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
  if (topic.masterKey) {
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [topic.masterKey.keyArn],
      }),
    );
  }
  return role.withoutPolicyUpdates();
}

function validateRetry(who: string, maxEventAge?: Duration, retryAttempts?: number): void {
  if (
    maxEventAge &&
    !maxEventAge.isUnresolved() &&
    (maxEventAge.toSeconds() < 60 || maxEventAge.toSeconds() > 86_400)
  ) {
    throw new Error(
      `${who}: maxEventAge must be from 60 seconds to 24 hours, got ${maxEventAge.toHumanString()}.`,
    );
  }
  if (
    retryAttempts !== undefined &&
    !Token.isUnresolved(retryAttempts) &&
    (!Number.isInteger(retryAttempts) || retryAttempts < 0 || retryAttempts > 185)
  ) {
    throw new Error(`${who}: retryAttempts must be a whole number from 0 to 185, got ${retryAttempts}.`);
  }
}

function validateRoute(props: EventRouteProps, maxEventAge: Duration, retryAttempts: number): void {
  if (props.targets.length < 1 || props.targets.length > 5) {
    throw new Error(`EventRoute: a rule takes 1 to 5 targets, got ${props.targets.length}.`);
  }
  validateRetry('EventRoute', maxEventAge, retryAttempts);
  if (props.deadLetterQueue?.fifo) {
    throw new Error('EventRoute: EventBridge cannot dead-letter to a FIFO queue; pass a standard queue.');
  }
  for (const t of props.targets) {
    if ('queue' in t && t.queue.fifo && !t.messageGroupId) {
      throw new Error(
        `EventRoute: the FIFO queue ${t.queue.node.path} needs a messageGroupId on its target.`,
      );
    }
  }
}

export interface ArchiveOptions {
  /**
   * How long archived events can be replayed. 0 keeps them forever.
   * @default Duration.days(30)
   */
  readonly retention?: Duration;
  /**
   * Which events to archive.
   * @default every event that this account puts on the bus (events forwarded from other
   * accounts are not archived unless you pass a pattern that admits them)
   */
  readonly pattern?: events.EventPattern;
}

export interface EventRouterProps extends RetryPolicy {
  /**
   * Physical name of the bus.
   * @default generated
   */
  readonly eventBusName?: string;
  /**
   * Archive for replay; `false` for none.
   * @default an archive of every event, kept 30 days
   */
  readonly archive?: ArchiveOptions | false;
  /**
   * The only `source` values the bus takes: its resource policy denies PutEvents to every
   * caller, this account's included, when any entry of the call has another source. Name the
   * publishers and their sources with `BusPublishers`.
   * @default any source (no resource policy)
   */
  readonly allowedSources?: readonly string[];
}

/**
 * A custom event bus with an archive for replay, and routes (rules) whose targets all carry a
 * retry policy and share a dead-letter queue. Build route patterns from the event contracts'
 * SOURCE and DETAIL_TYPE constants.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-archive.html
 */
export class EventRouter extends Construct {
  public readonly bus: events.EventBus;
  public readonly archive?: events.Archive;
  /** The dead-letter queue every route's targets share unless a route brings its own. */
  public readonly deadLetterQueue: sqs.Queue;
  public readonly deadLetterAlarm: cloudwatch.Alarm;
  public readonly routes: EventRoute[] = [];
  private readonly retry: RetryPolicy;

  constructor(scope: Construct, id: string, props: EventRouterProps = {}) {
    super(scope, id);
    validateRetry('EventRouter', props.maxEventAge, props.retryAttempts);
    this.retry = { maxEventAge: props.maxEventAge, retryAttempts: props.retryAttempts };
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: props.eventBusName });

    if (props.archive !== false) {
      const retention = props.archive?.retention ?? Duration.days(30);
      if (!retention.isUnresolved() && retention.toDays({ integral: false }) % 1 !== 0) {
        throw new Error(
          `EventRouter: archive retention is counted in whole days, got ${retention.toHumanString()}.`,
        );
      }
      this.archive = this.bus.archive('Archive', {
        description: `Every event on ${this.node.path}, for replay`,
        eventPattern: props.archive?.pattern ?? { account: [this.bus.stack.account] },
        retention,
      });
    }

    if (props.allowedSources) {
      if (props.allowedSources.length === 0) {
        throw new Error('EventRouter: allowedSources needs at least one source; leave it out to admit any.');
      }
      // A Deny is what binds principals of this account: an Allow in a bus policy adds to their
      // IAM permissions, it never narrows them.
      this.bus.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'DenyOtherSources',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['events:PutEvents'],
          resources: [this.bus.eventBusArn],
          conditions: { 'ForAnyValue:StringNotEquals': { 'events:source': [...props.allowedSources] } },
        }),
      );
    }

    this.deadLetterQueue = serviceDeadLetterQueue(
      this,
      'DeadLetterQueue',
      "the routes' targets (DeadLetterConfig)",
    );
    this.deadLetterAlarm = queueDepthAlarm(
      this,
      'DeadLetterAlarm',
      this.deadLetterQueue,
      `EventBridge could not deliver events from ${this.node.path} to a target.`,
    );
  }

  /** Add a rule on this bus; its targets get the router's retry policy and dead-letter queue. */
  public addRoute(id: string, route: Omit<EventRouteProps, 'bus'>): EventRoute {
    const created = new EventRoute(this, id, {
      ...this.retry,
      deadLetterQueue: this.deadLetterQueue,
      ...route,
      bus: this.bus,
    });
    this.routes.push(created);
    return created;
  }
}
