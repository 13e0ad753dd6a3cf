/** `fraudReview` → `FraudReview`: construct ids and output keys from the app's camel-case names. */
export const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The key of a stack output about one of its named resources, e.g. `('fraudReview', 'QueueUrl')`
 * → `FraudReviewQueueUrl`. The stacks write them and the scripts read them with this one function.
 */
export const outputKey = (name: string, what: string): string => `${capitalise(name)}${what}`;
