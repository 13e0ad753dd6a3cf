import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { THROUGHPUT_PROFILES } from '../../lib/patterns/queue-consumer/index.js';
import { ORDER_ROUTES } from '../../lib/stacks/order-routes.js';
import {
  type AppStructure,
  readStructure,
  type SynthesizedApp,
  synthesizeApp,
} from '../../scripts/cost/app-structure.js';
import { DEFAULT_ASSUMPTIONS, withMeasuredDurations } from '../../scripts/cost/assumptions.js';
import { costReport } from '../../scripts/cost/model.js';
import {
  SCALING_DOC,
  SCALING_DOC_ORDERS,
  scalingMarkdown,
  scalingView,
  withScalingSection,
} from '../../scripts/cost/scaling.js';
import { ROOT } from '../../scripts/shared/paths.js';

let app: SynthesizedApp;
let structure: AppStructure;

// One synth (no bundling) for the file: a few seconds, more on a loaded machine.
beforeAll(() => {
  app = synthesizeApp();
  structure = readStructure(app.templates, { profile: 'low-latency', sagaType: 'STANDARD' });
}, 120_000);

const qualified = (stack: string, id: string) => `${stack}/${id}`;

describe('the cost model reads the synthesized app', () => {
  it('synthesizes the stacks bin/app.ts deploys by default', () => {
    const source = readFileSync(path.join(ROOT, 'bin', 'app.ts'), 'utf8');
    const deployed = [...source.matchAll(/new (\w+Stack)\(app, '(\w+)'/g)].map((m) => m[2]);
    expect(deployed).toEqual(['OrderEvents', 'OrderNotifications', 'OrderLog', 'OrderFulfilment']);
    expect(Object.keys(app.templates).sort()).toEqual([...deployed].sort());
  });

  it('finds every subscription of the outcomes topic', () => {
    // GIVEN the notifications stack's fan-out  WHEN read from its template
    const topic = structure.topics.find((t) => t.name === qualified('OrderNotifications', 'OrderOutcomes'));
    // THEN it has as many queue subscriptions as the construct made
    expect(topic?.subscriptions).toHaveLength(app.stacks.notifications.outcomes.subscriptions.length);
  });

  it('finds one rule per order route', () => {
    expect(structure.rules).toHaveLength(Object.keys(ORDER_ROUTES).length);
  });

  it("reads each consumer's batch size from its profile", () => {
    for (const [profile, sagaType] of [
      ['low-latency', 'STANDARD'],
      ['high-throughput', 'STANDARD'],
    ] as const) {
      const s =
        profile === 'low-latency'
          ? structure
          : readStructure(synthesizeApp({ profile, sagaType }).templates, { profile, sagaType });
      for (const name of ['EmailQueue', 'StatusQueue']) {
        const queue = s.queues.find((q) => q.name === qualified('OrderNotifications', name));
        const mapping = s.mappings.find((m) => m.queue === queue?.name);
        const preset = THROUGHPUT_PROFILES[profile][queue?.fifo ? 'fifo' : 'standard'];
        expect(mapping?.batchSize, `${profile} ${name}`).toBe(preset.batchSize);
        expect(mapping?.batchingWindowSeconds, `${profile} ${name}`).toBe(
          preset.maxBatchingWindow.toSeconds(),
        );
      }
    }
  });

  it("walks the saga's happy path through every step's action (the outcome comes from ConfirmOrder's outbox)", () => {
    const f = app.stacks.fulfilment.functions;
    const happy = costReport(structure, 1, DEFAULT_ASSUMPTIONS).paths.find((p) => p.name === 'confirmed');
    expect(happy?.tasks).toEqual(
      [f.reserveStock, f.authorizePayment, f.createShipment, f.confirmOrder].map((fn) =>
        qualified('OrderFulfilment', fn.node.id),
      ),
    );
  });

  it('undoes the completed steps in reverse when CreateShipment refuses, then cancels the order', () => {
    const f = app.stacks.fulfilment.functions;
    const refused = costReport(structure, 1, DEFAULT_ASSUMPTIONS).paths.find(
      (p) => p.name === 'refused at CreateShipment',
    );
    expect(refused?.tasks).toEqual(
      [
        f.reserveStock,
        f.authorizePayment,
        f.createShipment,
        f.voidPayment,
        f.releaseStock,
        f.cancelOrder,
      ].map((fn) => qualified('OrderFulfilment', fn.node.id)),
    );
  });

  it('has a duration and a DynamoDB assumption for every function the orders reach', () => {
    const report = costReport(structure, 1_000_000, DEFAULT_ASSUMPTIONS);
    expect(report.functions.length).toBeGreaterThan(0);
    expect(report.totalUsd).toBeGreaterThan(0);
  });

  it('has docs/scaling.md tables that match the model (npm run cost -- --orders-per-month 1e6 --scaling --write-docs)', () => {
    const assumptions = withMeasuredDurations(
      DEFAULT_ASSUMPTIONS,
      path.join(ROOT, 'docs', 'benchmarks', 'latest.json'),
    );
    const doc = readFileSync(path.join(ROOT, SCALING_DOC), 'utf8');
    const tables = scalingMarkdown(scalingView(structure, SCALING_DOC_ORDERS, assumptions));
    expect(withScalingSection(doc, tables)).toBe(doc);
  });
});
