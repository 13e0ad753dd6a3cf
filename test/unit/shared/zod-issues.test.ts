import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { describeIssues } from '../../../lambdas/shared/zod-issues.js';

const Order = z.object({ orderId: z.string(), lines: z.array(z.object({ qty: z.number() })) });

describe('describeIssues', () => {
  it('names each issue by its path, in one line', () => {
    const result = Order.safeParse({ orderId: 7, lines: [{ qty: 'x' }] });
    expect(result.success).toBe(false);
    expect(describeIssues(result.error ?? { issues: [] })).toMatch(/^orderId: .+; lines\.0\.qty: .+$/);
  });

  it('names a top-level issue by the root label it is given', () => {
    const result = Order.safeParse('not an object');
    expect(describeIssues(result.error ?? { issues: [] }, 'body')).toMatch(/^body: /);
  });
});
