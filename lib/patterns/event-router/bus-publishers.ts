import { Names } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** A principal that puts events on a bus, and the `source` values it may use. */
export interface BusPublisher {
  /** A function, a role, or anything else with a grant principal in this account. */
  readonly grantee: iam.IGrantable;
  /** The `source` of every event it puts; take them from the event contracts' constants. */
  readonly sources: readonly string[];
}

export interface BusPublishersProps {
  /** The bus the publishers put events on; it may belong to another stack. */
  readonly bus: events.IEventBus;
  /** One or more publishers. */
  readonly publishers: readonly BusPublisher[];
}

/**
 * `events:source` is multi-valued (one value per entry of a PutEvents call): every entry must
 * carry one of the sources, and a call without any source is not admitted.
 */
export function sourceConditions(sources: readonly string[]): Record<string, Record<string, unknown>> {
  return {
    'ForAllValues:StringEquals': { 'events:source': [...sources] },
    Null: { 'events:source': 'false' },
  };
}

/**
 * Lets principals put events on a bus, each only with its own `source` values: an identity
 * statement on each principal and a matching Allow statement in the bus's resource policy
 * (`AWS::Events::EventBusPolicy`, one per publisher). Create it in the publishers' stack, so
 * that the bus's stack does not depend on theirs.
 *
 * Within one account either statement alone would admit the call; the identity statement is
 * what keeps the function to its sources, the bus statement records who publishes on the bus
 * (and is what admits a publisher of another account). Pair it with `EventRouter`'s
 * `allowedSources`, which denies every other source to every caller.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-conditions.html
 */
export class BusPublishers extends Construct {
  public readonly policies: events.EventBusPolicy[] = [];

  constructor(scope: Construct, id: string, props: BusPublishersProps) {
    super(scope, id);
    if (props.publishers.length === 0) throw new Error('BusPublishers: name at least one publisher.');
    props.publishers.forEach((publisher, i) => {
      if (publisher.sources.length === 0) {
        throw new Error(`BusPublishers: publisher ${i + 1} needs at least one source.`);
      }
      const statement = {
        actions: ['events:PutEvents'],
        resources: [props.bus.eventBusArn],
        conditions: sourceConditions(publisher.sources),
      };
      publisher.grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement(statement));
      const statementId = `${Names.uniqueResourceName(this, { maxLength: 56 })}Pub${i}`;
      const policy = new events.EventBusPolicy(this, `Publisher${i}`, {
        eventBus: props.bus,
        statementId,
        statement: new iam.PolicyStatement({
          ...statement,
          sid: statementId,
          principals: [publisher.grantee.grantPrincipal],
        }).toStatementJson(),
      });
      // Each policy resource rewrites the bus policy (PutPermission): one at a time.
      const previous = this.policies.at(-1);
      if (previous) policy.node.addDependency(previous);
      this.policies.push(policy);
    });
  }
}
