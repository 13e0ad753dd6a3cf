/**
 * The names the scripts give the app's resources, all made from construct paths here so that
 * every tool calls a resource the same way: `resourceName` for the path's meaningful part,
 * `shortName` for its last segment, `qualifiedName` for what a user types.
 */

/** L2 constructs' own ids (and `Default`, a construct's main child), dropped from names: `EmailQueue/Queue` is the EmailQueue. */
const GENERIC_IDS = new Set([
  'Resource',
  'Default',
  'Function',
  'Queue',
  'Rule',
  'Topic',
  'StateMachine',
  'Table',
]);

/**
 * A resource's name: its construct path without the generic tail, e.g.
 * `OrderNotifications/EmailNotifier/Function/Default/Resource` → `OrderNotifications/EmailNotifier`,
 * `OrderEvents/Orders/FraudReview/Rule/Resource` → `OrderEvents/Orders/FraudReview`.
 */
export function resourceName(path: string): string {
  const segments = path.split('/');
  while (segments.length > 2 && GENERIC_IDS.has(segments.at(-1) ?? '')) segments.pop();
  return segments.join('/');
}

/** The last segment of a name: `FraudReview`, `EmailNotifier`, `AnalyticsQueue`. */
export const shortName = (name: string): string => name.split('/').at(-1) ?? name;

/** `FraudReviewQueue` → `fraud-review-queue`, `SQSBridge` → `sqs-bridge`. */
export function kebabCase(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

/**
 * A stack's short name: `OrderNotifications` → `notifications`. The app's stacks all start
 * with `Order`, which tells them apart from nothing.
 */
export function stackShortName(stackName: string): string {
  return kebabCase(stackName.replace(/^Order(?=[A-Z])/, ''));
}

/**
 * What a user types for a resource: the stack's short name and the resource's short name
 * without its kind, e.g. `OrderEvents/AnalyticsQueue` → `events/analytics`,
 * `OrderNotifications/OrderOutcomes` → `notifications/order-outcomes`.
 */
export function qualifiedName(name: string): string {
  const [stack = ''] = name.split('/');
  return `${stackShortName(stack)}/${kebabCase(shortName(name)).replace(/-queue$/, '')}`;
}
