import { ArnFormat, Aspects, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';

export interface OpsViewProps {
  /**
   * Where every alarm of the stack notifies.
   * @default a new encrypted topic (subscribe your pager or e-mail to it)
   */
  readonly opsTopic?: sns.ITopic;
  /** @default the stack name */
  readonly dashboardName?: string;
}

/**
 * The operations view of a stack, built from what the stack holds: every alarm in it notifies
 * an SNS ops topic, and a dashboard shows queue and dead-letter depths, oldest message ages,
 * Lambda errors and throttles, and state machine outcomes. It reads the stack as an Aspect, at
 * synthesis, so it covers every resource wherever in the constructor it is created.
 */
export class OpsView extends Construct {
  public readonly opsTopic: sns.ITopic;
  public readonly dashboard: cloudwatch.Dashboard;
  /** The alarms of the stack; filled when the app is synthesized. */
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: OpsViewProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    this.opsTopic = props.opsTopic ?? this.alarmTopic(stack);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    // Visited first of the stack's nodes, when the whole tree exists: see everything once.
    Aspects.of(stack).add({
      visit: (node) => {
        if (node === stack) this.observe(stack);
      },
    });
  }

  /** An encrypted topic that CloudWatch alarms of this account may publish to. */
  private alarmTopic(stack: Stack): sns.ITopic {
    const key = new kms.Key(this, 'Key', {
      description: `Encrypts ${stack.stackName} alarm notifications`,
      enableKeyRotation: true,
    });
    // CloudWatch publishes the alarm notifications, for this account's alarms only: it needs
    // the topic (whose policy replaces the default one) and the topic key.
    const fromAlarms = {
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      conditions: {
        ArnLike: {
          'aws:SourceArn': stack.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
        StringEquals: { 'aws:SourceAccount': stack.account },
      },
    };
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        ...fromAlarms,
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
      }),
    );
    const topic = new sns.Topic(this, 'Topic', {
      masterKey: key,
      enforceSSL: true,
      displayName: `${stack.stackName} alarms`,
    });
    topic.addToResourcePolicy(
      new iam.PolicyStatement({ ...fromAlarms, actions: ['sns:Publish'], resources: [topic.topicArn] }),
    );
    return topic;
  }

  private observe(stack: Stack): void {
    const all = stack.node.findAll();
    this.alarms.push(...all.filter((c): c is cloudwatch.Alarm => c instanceof cloudwatch.Alarm));
    const notify = new actions.SnsAction(this.opsTopic);
    for (const alarm of this.alarms) alarm.addAlarmAction(notify);

    const queues = all.filter((c): c is sqs.Queue => c instanceof sqs.Queue);
    const dead = deadLetterArns(stack, all);
    const isDeadLetter = (q: sqs.Queue) => dead.has(JSON.stringify(stack.resolve(q.queueArn)));
    const functions = all.filter((c): c is lambda.Function => c instanceof lambda.Function);
    const machines = all.filter((c): c is sfn.StateMachine => c instanceof sfn.StateMachine);
    const period = Duration.minutes(1);
    // The path below the stack without the resource's own id, and without `Default` (CDK's id
    // for a construct's main child): `EmailNotifier/Function/Default` is the EmailNotifier.
    const label = (c: Construct) => {
      const parts = c.node.path
        .split('/')
        .slice(1)
        .filter((p) => p !== 'Default');
      return parts.length > 1 ? parts.slice(0, -1).join('/') : (parts[0] ?? c.node.id);
    };

    const widgets: cloudwatch.IWidget[] = [];
    const work = queues.filter((q) => !isDeadLetter(q));
    const deadLetters = queues.filter(isDeadLetter);
    if (work.length > 0) {
      widgets.push(
        new cloudwatch.GraphWidget({
          title: 'Queue depth (visible)',
          left: work.map((q) => q.metricApproximateNumberOfMessagesVisible({ period, label: label(q) })),
        }),
        new cloudwatch.GraphWidget({
          title: 'Oldest message age (s)',
          left: work.map((q) => q.metricApproximateAgeOfOldestMessage({ period, label: label(q) })),
        }),
      );
    }
    if (deadLetters.length > 0) {
      widgets.push(
        new cloudwatch.GraphWidget({
          title: 'Dead-letter depth',
          left: deadLetters.map((q) =>
            q.metricApproximateNumberOfMessagesVisible({ period, label: label(q) }),
          ),
        }),
      );
    }
    if (functions.length > 0) {
      widgets.push(
        new cloudwatch.GraphWidget({
          title: 'Lambda errors',
          left: functions.map((f) => f.metricErrors({ period, label: label(f) })),
        }),
        new cloudwatch.GraphWidget({
          title: 'Lambda throttles',
          left: functions.map((f) => f.metricThrottles({ period, label: label(f) })),
        }),
      );
    }
    for (const machine of machines) {
      widgets.push(
        new cloudwatch.GraphWidget({
          title: `${label(machine)}: outcomes`,
          left: [
            machine.metricSucceeded({ period, label: 'succeeded' }),
            machine.metricFailed({ period, label: 'failed' }),
            machine.metricTimedOut({ period, label: 'timed out' }),
          ],
        }),
      );
    }
    if (this.alarms.length > 0) {
      widgets.push(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }));
    }
    for (let i = 0; i < widgets.length; i += 2) this.dashboard.addWidgets(...widgets.slice(i, i + 2));
  }
}

/**
 * The ARNs (resolved, as JSON) of the queues something dead-letters into: a queue's redrive
 * policy, an SNS subscription's, or an EventBridge target's dead-letter config. What makes a
 * queue a dead-letter queue is that use, not its name.
 */
function deadLetterArns(stack: Stack, all: readonly IConstruct[]): Set<string> {
  const arns = new Set<string>();
  const add = (arn: unknown) => {
    if (arn !== undefined) arns.add(JSON.stringify(stack.resolve(arn)));
  };
  for (const c of all) {
    if (c instanceof sqs.Queue && c.deadLetterQueue) add(c.deadLetterQueue.queue.queueArn);
    if (c instanceof sns.CfnSubscription) add(field(stack.resolve(c.redrivePolicy), 'deadLetterTargetArn'));
    if (c instanceof events.CfnRule) {
      const targets = stack.resolve(c.targets);
      for (const t of Array.isArray(targets) ? targets : []) add(field(field(t, 'deadLetterConfig'), 'arn'));
    }
  }
  return arns;
}

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
