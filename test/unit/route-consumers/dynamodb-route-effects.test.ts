import { ConditionalCheckFailedException, type PutItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbRouteEffects } from '../../../lambdas/route-consumers/dynamodb-route-effects.js';
import { EFFECT_KINDS, effectSortKey, kindOfSortKey } from '../../../lambdas/route-consumers/effect-keys.js';
import type { RouteEffect } from '../../../lambdas/route-consumers/route-effects.js';

// No AWS: the client is a mock whose `send` each test scripts (the marshalling is the real one).
const send = vi.hoisted(() => vi.fn());
vi.mock('../../../lambdas/shared/clients.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../lambdas/shared/clients.js')>()),
  dynamoClient: () => ({ send }),
}));

const cause = {
  orderId: 'ord-1',
  idempotencyKey: 'ord-1:placed',
  eventId: 'evt-1',
  occurredAt: '2026-08-14T09:20:57.641Z',
};
const money = { total: 1200, currency: 'EUR' };

/** One effect of each kind. */
const EFFECTS: readonly RouteEffect[] = [
  { kind: 'REVIEW', status: 'OPEN', ...cause, customerId: 'c-1', customerTier: 'new', ...money },
  { kind: 'PARTNER', ...cause, partner: 'acme', items: [{ sku: 'A', quantity: 1 }], ...money },
  { kind: 'GIFT_WRAP', ...cause, skus: ['MUG-GIFT'] },
  { kind: 'COUPON', ...cause, couponCode: 'WELCOME10', customerId: 'c-1', ...money },
  { kind: 'FACT', eventType: 'OrderPlaced', ...cause, ...money, channel: 'web' },
];

const putOf = (call: number) => {
  const input = (send.mock.calls[call]?.[0] as PutItemCommand | undefined)?.input;
  return input && { ...input, Item: input.Item && unmarshall(input.Item) };
};

describe('effectSortKey', () => {
  it('gives every kind of effect a sort key that starts with the kind', () => {
    // THEN
    expect(EFFECTS.map((e) => kindOfSortKey(effectSortKey(e)))).toEqual(EFFECTS.map((e) => e.kind));
  });

  it('covers every kind', () => {
    expect(EFFECTS.map((e) => e.kind)).toEqual([...EFFECT_KINDS]);
  });

  it('keys a fact by its event type and business key, not by the delivery', () => {
    // GIVEN the same fact published twice (two event ids, one idempotency key)
    const fact = EFFECTS[4] as RouteEffect;
    // THEN
    expect(effectSortKey({ ...fact, eventId: 'evt-2' })).toBe(effectSortKey(fact));
    expect(effectSortKey(fact)).toBe('FACT#OrderPlaced#ord-1:placed');
  });

  it('reads no kind from a sort key of another layout', () => {
    expect(kindOfSortKey('LOYALTY#x')).toBeUndefined();
  });
});

describe('DynamoDbRouteEffects', () => {
  beforeEach(() => {
    send.mockReset();
  });

  it.each(EFFECTS)('writes a $kind effect under its order, only if it is not there yet', async (effect) => {
    // GIVEN
    send.mockResolvedValue({});
    // WHEN
    await new DynamoDbRouteEffects('Effects').record(effect);
    // THEN
    expect(putOf(0)).toEqual({
      TableName: 'Effects',
      Item: { pk: 'ORDER#ord-1', sk: effectSortKey(effect), ...effect },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('takes an effect that is already there as done (a repeat changes nothing)', async () => {
    // GIVEN the item exists
    send.mockRejectedValue(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    // WHEN / THEN
    await expect(
      new DynamoDbRouteEffects('Effects').record(EFFECTS[0] as RouteEffect),
    ).resolves.toBeUndefined();
  });

  it('fails on any other error, so the record is retried', async () => {
    // GIVEN
    send.mockRejectedValue(new Error('ProvisionedThroughputExceeded'));
    // WHEN / THEN
    await expect(new DynamoDbRouteEffects('Effects').record(EFFECTS[0] as RouteEffect)).rejects.toThrow(
      'ProvisionedThroughputExceeded',
    );
  });
});
