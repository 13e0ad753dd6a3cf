import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { injectFault } from './faults.js';
import { idempotent } from './idempotency.js';
import { withCorrelation } from './log-context.js';
import { logger } from './powertools.js';
import { describeIssues } from './zod-issues.js';

export interface IdempotentStepOptions<TInput> {
  /** The key of an input, e.g. its order id; the function name is prefixed. */
  readonly keyOf: (input: TInput) => string;
  /** @default DynamoDBPersistenceLayer on IDEMPOTENCY_TABLE_NAME */
  readonly persistenceStore?: BasePersistenceLayer;
}

/**
 * A Lambda handler for a Step Functions task: validates the input with its schema (a bad input
 * is a bug upstream: it throws, and the saga treats it as a technical fault) and runs the step
 * at most once per key; a repeat returns the stored result. A throw deletes the in-progress
 * record, so Step Functions' retry runs the step again.
 */
export function idempotentStep<TSchema extends z.ZodMiniType, TResult>(
  schema: TSchema,
  step: (input: z.infer<TSchema>) => Promise<TResult>,
  options: IdempotentStepOptions<z.infer<TSchema>>,
): (event: unknown, context: Context) => Promise<TResult> {
  const { run: once, config } = idempotent(step, options.keyOf, options.persistenceStore);
  return async (event, context) => {
    config.registerLambdaContext(context);
    logger.addContext(context);
    // The saga state carries the OrderPlaced's metadata: every line of the step names the flow.
    return withCorrelation(event, async () => {
      const parsed = schema.safeParse(event);
      if (!parsed.success) {
        const reason = describeIssues(parsed.error);
        logger.error('Step input rejected', { reason });
        throw new Error(`step input is invalid: ${reason}`);
      }
      await injectFault(`${context.awsRequestId}`, () => context.getRemainingTimeInMillis());
      return once(parsed.data);
    });
  };
}
