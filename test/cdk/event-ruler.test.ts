import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_QUEUES } from '../../lib/stacks/order-events-stack.js';
import { ORDER_ROUTES } from '../../lib/stacks/order-routes.js';
import { type SynthesizedApp, synthesizeApp } from '../../scripts/cost/app-structure.js';
import type { Effect } from '../../scripts/shared/app-client.js';
import { matchWithEventRuler } from '../../scripts/validators/event-ruler.js';
import {
  busRoutePatterns,
  type DestinationOf,
  fanOutFilters,
  type RoutingTemplate,
  routingDisagreements,
} from '../../scripts/validators/routing-patterns.js';
import { type BusDestination, busEventOf, busRoutingCases, FAN_OUT_CASES } from '../support/routing-cases.js';

// The routing cases the integration tests drive through the emulator
// (test/support/routing-cases.ts), evaluated here without one: against the patterns and filter
// policies of the synthesized templates, by AWS's EventBridge matching engine, event-ruler.
// The first run builds the harness (Maven fetches event-ruler once).
const COLD_START = 300_000;

describe('event-ruler on the synthesized routing', () => {
  let synthesized: SynthesizedApp;
  let templates: Record<string, RoutingTemplate>;
  let destinationOf: DestinationOf;

  beforeAll(() => {
    // GIVEN the app's stacks, and what each delivery target is in the cases' terms
    synthesized = synthesizeApp();
    templates = synthesized.templates as unknown as Record<string, RoutingTemplate>;
    const { events, notifications, fulfilment } = synthesized.stacks;
    const key = (construct: IConstruct) => {
      const element = construct.node.defaultChild as CfnElement;
      const stack = Stack.of(element);
      return `${stack.stackName}/${stack.resolve(element.logicalId)}`;
    };
    const destinations = new Map<string, string>([
      ...ROUTE_QUEUES.map((q) => [key(events.queues[q].queue), q] as const),
      [key(fulfilment.intake.queue), 'saga' satisfies BusDestination],
      [key(notifications.outcomes.topic), 'outcomes' satisfies BusDestination],
      [key(notifications.queues.email.queue), 'EMAIL' satisfies Effect],
      [key(notifications.queues.loyalty.queue), 'LOYALTY' satisfies Effect],
      [key(notifications.queues.analytics.queue), 'ANALYTICS' satisfies Effect],
    ]);
    destinationOf = (stack, logicalId) => destinations.get(`${stack}/${logicalId}`);
  });

  it(
    'routes every bus case to exactly the destinations the integration test expects',
    async () => {
      // GIVEN every rule on the bus, by the destination of its target
      const patterns = busRoutePatterns(templates, destinationOf);
      expect(new Set(patterns.map((p) => p.name))).toEqual(new Set([...ROUTE_QUEUES, 'saga', 'outcomes']));
      expect(patterns).toHaveLength(Object.keys(ORDER_ROUTES).length);
      const cases = busRoutingCases();
      // WHEN
      const matched = await matchWithEventRuler(
        patterns,
        cases.map((c) => busEventOf(c.entry)),
      );
      // THEN
      const disagreements = routingDisagreements(
        cases.map((c) => ({ name: c.name, expected: c.reaches })),
        matched,
      );
      expect(disagreements).toEqual([]);
      console.log(
        `event-ruler: ${cases.length} bus routing cases agree with ${patterns.length} synthesized rules`,
      );
    },
    COLD_START,
  );

  it(
    'delivers every fan-out case to exactly the consumers the integration test expects',
    async () => {
      // GIVEN the subscriptions of the outcomes topic: two filter on the body, analytics takes all
      const { notifications } = synthesized.stacks;
      const topicId = notifications.resolve(
        (notifications.outcomes.topic.node.defaultChild as CfnElement).logicalId,
      );
      const filters = fanOutFilters(
        notifications.stackName,
        templates[notifications.stackName] as RoutingTemplate,
        topicId,
        destinationOf,
      );
      expect(filters.map((f) => [f.name, f.pattern !== undefined])).toEqual([
        ['EMAIL', true],
        ['LOYALTY', true],
        ['ANALYTICS', false],
      ]);
      const everything = filters.filter((f) => f.pattern === undefined).map((f) => f.name);
      // WHEN (the SNS message body is the event, as the integration test publishes it)
      const matched = await matchWithEventRuler(
        filters.flatMap((f) => (f.pattern === undefined ? [] : [{ name: f.name, pattern: f.pattern }])),
        FAN_OUT_CASES.map((c) => c.event()),
      );
      // THEN
      const disagreements = routingDisagreements(
        FAN_OUT_CASES.map((c) => ({ name: c.name, expected: c.effects })),
        matched.map((names) => [...names, ...everything]),
      );
      expect(disagreements).toEqual([]);
      console.log(
        `event-ruler: ${FAN_OUT_CASES.length} fan-out cases agree with ${filters.length} subscriptions`,
      );
    },
    COLD_START,
  );

  it(
    'reports a case whose expectation the synthesized rules do not meet',
    async () => {
      // GIVEN a regular web order, wrongly expected at the partner route only
      const [regular] = busRoutingCases();
      if (!regular) throw new Error('no bus routing case');
      // WHEN
      const matched = await matchWithEventRuler(busRoutePatterns(templates, destinationOf), [
        busEventOf(regular.entry),
      ]);
      // THEN
      expect(routingDisagreements([{ name: regular.name, expected: ['partner'] }], matched)).toEqual([
        { name: regular.name, expected: ['partner'], matched: ['analytics', 'saga'] },
      ]);
    },
    COLD_START,
  );
});

describe('event-ruler, where a naive matcher would say yes', () => {
  it(
    'takes no string for a number, and no pair of fields from different array elements',
    async () => {
      // GIVEN a numeric pattern and a pattern on two fields of one array element
      const patterns = [
        { name: 'large', pattern: { detail: { total: [{ numeric: ['>=', 1000] }] } } },
        { name: 'giftPair', pattern: { detail: { items: { sku: ['MUG-GIFT'], quantity: [2] } } } },
      ];
      // WHEN
      const matched = await matchWithEventRuler(patterns, [
        { detail: { total: 1500 } },
        // Number('1500') >= 1000, but a JSON string is no number to EventBridge.
        { detail: { total: '1500' } },
        { detail: { items: [{ sku: 'MUG-GIFT', quantity: 2 }] } },
        // Both values occur, in different elements: a flattening matcher would match.
        {
          detail: {
            items: [
              { sku: 'MUG-GIFT', quantity: 1 },
              { sku: 'BOOK-001', quantity: 2 },
            ],
          },
        },
      ]);
      // THEN
      expect(matched).toEqual([['large'], [], ['giftPair'], []]);
    },
    COLD_START,
  );

  it(
    'fails on a pattern EventBridge would reject',
    async () => {
      await expect(
        matchWithEventRuler(
          [{ name: 'broken', pattern: { detail: { total: [{ numeric: ['~', 1] }] } } }],
          [{}],
        ),
      ).rejects.toThrow(/pattern broken is invalid/);
    },
    COLD_START,
  );
});
