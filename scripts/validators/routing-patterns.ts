import type { NamedPattern } from './event-ruler.js';

/** The part of a synthesized template this reads. */
export interface RoutingTemplate {
  readonly Resources: Readonly<
    Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>
  >;
}

/**
 * Names a delivery target by `<stack>/<logical id>` of the resource a rule or subscription
 * delivers to, e.g. the route name of a queue; undefined for a target the check does not know.
 */
export type DestinationOf = (stack: string, logicalId: string) => string | undefined;

/** The logical id a `Ref` or `Fn::GetAtt` names; undefined for anything else (an import, a literal ARN). */
function referencedId(value: unknown): string | undefined {
  const v = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown } | undefined;
  if (typeof v?.Ref === 'string') return v.Ref;
  const getAtt = v?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}

/**
 * The EventBridge rules of the templates as event-ruler patterns, one per rule target, each
 * named by the destination its target is. Throws on a target `destinationOf` does not know:
 * a rule the check cannot account for must not pass unnoticed.
 */
export function busRoutePatterns(
  templates: Readonly<Record<string, RoutingTemplate>>,
  destinationOf: DestinationOf,
): NamedPattern[] {
  const patterns: NamedPattern[] = [];
  for (const [stack, template] of Object.entries(templates)) {
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::Events::Rule') continue;
      const { EventPattern: pattern, Targets: targets } = resource.Properties ?? {};
      if (pattern === undefined) continue; // a scheduled rule matches no event
      for (const target of (targets ?? []) as ReadonlyArray<{ Arn?: unknown }>) {
        const targetId = referencedId(target.Arn);
        const name = targetId === undefined ? undefined : destinationOf(stack, targetId);
        if (name === undefined) {
          throw new Error(
            `${stack}/${id}: a target (${JSON.stringify(target.Arn)}) that is no known destination.`,
          );
        }
        patterns.push({ name, pattern });
      }
    }
  }
  return patterns;
}

/** What an SNS subscription lets through, in event-ruler terms. */
export interface SubscriptionFilter {
  readonly name: string;
  /** The filter policy on the message body; undefined: no policy, every message is delivered. */
  readonly pattern?: unknown;
}

/**
 * The filter policies of the subscriptions to one topic, named by their endpoints' destination.
 *
 * SNS filter policies on the message body (FilterPolicyScope MessageBody) share EventBridge's
 * pattern syntax for exact values, prefix, anything-but, numeric ranges, exists and $or, so
 * event-ruler evaluates them; only MessageBody policies are accepted here, and a subscription
 * without a policy receives every message (as on SNS). Where SNS differs (Amazon SNS developer
 * guide: message filtering, filter policy constraints, key matching): numbers compare only
 * within ±1e9 and to 5 decimal places; `exists: true` needs a non-null, non-empty value; a body
 * policy assumes the payload is a well-formed JSON object; a policy has at most 5 keys and 150
 * value combinations. The cases checked stay inside all of these.
 */
export function fanOutFilters(
  stack: string,
  template: RoutingTemplate,
  topicLogicalId: string,
  destinationOf: DestinationOf,
): SubscriptionFilter[] {
  const filters: SubscriptionFilter[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::SNS::Subscription') continue;
    const props = resource.Properties ?? {};
    if (referencedId(props.TopicArn) !== topicLogicalId) continue;
    const endpointId = referencedId(props.Endpoint);
    const name = endpointId === undefined ? undefined : destinationOf(stack, endpointId);
    if (name === undefined) throw new Error(`${stack}/${id}: an endpoint that is no known destination.`);
    if (props.FilterPolicy === undefined) {
      filters.push({ name });
      continue;
    }
    if (props.FilterPolicyScope !== 'MessageBody') {
      throw new Error(
        `${stack}/${id}: a filter policy on message attributes; only MessageBody policies map to event-ruler.`,
      );
    }
    filters.push({ name, pattern: props.FilterPolicy });
  }
  return filters;
}

/** One case whose expected destinations differ from those the matcher found. */
export interface Disagreement {
  readonly name: string;
  readonly expected: readonly string[];
  readonly matched: readonly string[];
}

/**
 * Compares each case's expected destinations with those matched (same order as the cases);
 * returns the cases that differ, an empty list when all agree. Order and repeats do not count.
 */
export function routingDisagreements(
  cases: ReadonlyArray<{ readonly name: string; readonly expected: readonly string[] }>,
  matched: ReadonlyArray<readonly string[]>,
): Disagreement[] {
  if (matched.length !== cases.length) {
    throw new Error(`${matched.length} results for ${cases.length} cases.`);
  }
  const normal = (names: readonly string[]) => [...new Set(names)].sort();
  return cases.flatMap((c, i) => {
    const expected = normal(c.expected);
    const found = normal(matched[i] ?? []);
    return expected.join('\n') === found.join('\n') ? [] : [{ name: c.name, expected, matched: found }];
  });
}
