import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutTopology } from '../../scripts/console/layout.js';
import type { Topology } from '../../scripts/console/model.js';
import { extractTopology } from '../../scripts/console/topology.js';
import { touchedNodes } from '../../scripts/console/touched.js';
import type { StackTemplate } from '../../scripts/shared/cdk-out.js';
import { ROOT } from '../../scripts/shared/paths.js';
import type { OrderTrace, TraceHop } from '../../scripts/trace/model.js';

// A small app of four stacks in the shape the app synthesizes (test/fixtures/console).
const templates = JSON.parse(
  readFileSync(path.join(ROOT, 'test/fixtures/console/templates.json'), 'utf8'),
) as StackTemplate[];
const topology = extractTopology(templates);

const node = (t: Topology, label: string) => t.nodes.find((n) => n.label === label);
const edge = (t: Topology, from: string, to: string) =>
  t.edges.find((e) => e.from === node(t, from)?.id && e.to === node(t, to)?.id);

describe('the console topology from the synthesized templates', () => {
  it('draws the bus, its rule with the event pattern, and the rule target', () => {
    expect(node(topology, 'Orders')?.kind).toBe('bus');
    expect(edge(topology, 'Orders', 'Orders/BigOrders')?.kind).toBe('flow');
    expect(edge(topology, 'Orders/BigOrders', 'ReviewQueue')?.label).toBe('rule target');
    expect(topology.rules).toEqual([
      expect.objectContaining({
        name: 'Orders/BigOrders',
        bus: 'Orders',
        targets: ['ReviewQueue'],
        pattern: expect.stringContaining('"numeric":[">=",1000]'),
      }),
    ]);
  });

  it("makes a queue that another's RedrivePolicy names a dead-letter queue", () => {
    expect(node(topology, 'ReviewQueue DLQ')?.kind).toBe('dead-letter-queue');
    expect(edge(topology, 'ReviewQueue', 'ReviewQueue DLQ')).toMatchObject({
      kind: 'dead-letter',
      label: 'after 5 receives',
    });
    expect(node(topology, 'Orders DLQ')?.kind).toBe('dead-letter-queue');
  });

  it('draws a consumer that dead-letters where its queue does through the queue only', () => {
    expect(edge(topology, 'ReviewQueue', 'Reviewer')?.label).toBe('event source');
    expect(edge(topology, 'Reviewer', 'ReviewQueue DLQ')).toBeUndefined();
  });

  it('draws a subscription from topic to queue and lists its filter policy', () => {
    expect(edge(topology, 'OrderOutcomes', 'EmailQueue')?.label).toBe('subscription (filter policy)');
    expect(topology.subscriptions).toEqual([
      {
        topic: 'OrderOutcomes',
        endpoint: 'EmailQueue',
        protocol: 'sqs',
        filterPolicy: '{"detail-type":["OrderConfirmed"]}',
        filterPolicyScope: 'MessageBody',
      },
    ]);
  });

  it("draws the saga's tasks from its definition, and their appends to the event store", () => {
    expect(node(topology, 'Saga')?.kind).toBe('state-machine');
    expect(edge(topology, 'Saga', 'ReserveStock')?.label).toBe('task');
    expect(node(topology, 'OrderEventStore')?.kind).toBe('event-store');
    expect(edge(topology, 'ReserveStock', 'OrderEventStore')?.label).toBe('appends');
  });

  it("draws the outbox relay on the store's stream, publishing to another stack's bus and appending to Kafka", () => {
    expect(edge(topology, 'OrderEventStore', 'OutboxRelay')?.label).toBe('table stream');
    expect(edge(topology, 'OutboxRelay', 'Orders')?.label).toBe('publishes');
    expect(edge(topology, 'OutboxRelay', 'orders.events')?.label).toBe('appends');
  });

  it("draws a Kafka consumer group from the emulator stand-in's metadata, with its on-failure queue", () => {
    const group = node(topology, 'order-audit');
    expect(group).toMatchObject({ kind: 'consumer-group', id: 'group:order-audit' });
    expect(group?.details['batch size']).toBe('10');
    expect(edge(topology, 'orders.events', 'order-audit')?.kind).toBe('flow');
    expect(edge(topology, 'order-audit', 'OrderAudit')?.label).toBe('invokes');
    expect(edge(topology, 'order-audit', 'OrderAudit failure queue')?.kind).toBe('dead-letter');
    // The consumer reads the topic; it does not append to it.
    expect(edge(topology, 'OrderAudit', 'orders.events')).toBeUndefined();
  });

  it('leaves out what nothing connects to (an alarm topic)', () => {
    expect(topology.nodes.map((n) => n.path)).not.toContain('OrderEvents/Operations/Topic/Resource');
  });

  it('lays out every node inside its stack cluster and routes every edge', () => {
    const laid = layoutTopology(topology);
    for (const n of laid.nodes) {
      const box = laid.boxes[n.id];
      const cluster = laid.clusters[n.stackName];
      expect(box && cluster, n.id).toBeTruthy();
      if (!box || !cluster) continue;
      expect(Math.abs(box.x - cluster.x)).toBeLessThanOrEqual(cluster.width / 2);
      expect(Math.abs(box.y - cluster.y)).toBeLessThanOrEqual(cluster.height / 2);
    }
    expect(laid.routes).toHaveLength(laid.edges.length);
    for (const route of laid.routes) expect(route.length).toBeGreaterThanOrEqual(2);
  });
});

describe('the nodes an order touched', () => {
  const hop = (kind: TraceHop['kind'], where: string): TraceHop => ({
    at: '2026-12-03T10:00:00.000Z',
    kind,
    where,
    summary: '',
    outcome: 'ok',
  });
  const trace = (hops: TraceHop[]): OrderTrace => ({
    id: 'o-1',
    orderId: 'o-1',
    correlationIds: [],
    hops,
    totalMs: 0,
    source: 'emulator',
  });
  const labels = (ids: readonly string[]) =>
    ids.map((id) => topology.nodes.find((n) => n.id === id)?.label).sort();

  it('are found by resource name, saga state, topic-partition and group (and its function), and by the kind of a one-of-a-kind node', () => {
    const touched = touchedNodes(
      topology,
      trace([
        hop('bus-put', 'orders-bus-physical-name'),
        hop('rule-delivery', 'OrderEvents/Orders/BigOrders'),
        hop('queue-receive', 'OrderEvents/ReviewQueue'),
        hop('saga-step', 'saga/ReserveStock'),
        hop('kafka-append', 'orders.events[3]'),
        hop('kafka-consume', 'order-audit'),
      ]),
    );
    expect(labels(touched)).toEqual(
      [
        'Orders',
        'Orders/BigOrders',
        'ReviewQueue',
        'Saga',
        'ReserveStock',
        'orders.events',
        'order-audit',
        'OrderAudit',
      ].sort(),
    );
  });

  it("are found by a resource's deployed name", () => {
    const emailQueue = node(topology, 'EmailQueue')?.id ?? '';
    const touched = touchedNodes(
      topology,
      trace([hop('queue-receive', 'OrderNotifications-EmailQueue-1A2B')]),
      new Map([[emailQueue, 'http://localhost:4566/000000000000/OrderNotifications-EmailQueue-1A2B']]),
    );
    expect(touched).toEqual([emailQueue]);
  });
});
