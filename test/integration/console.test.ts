import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrderId, placeOrder } from '../../contracts/samples.js';
import { FAILURE_REASON_ATTRIBUTE } from '../../lambdas/shared/dead-letter.js';
import { launchChromium } from '../../scripts/console/browser.js';
import type { TopologyResponse } from '../../scripts/console/model.js';
import { openConsole, traceInPage } from '../../scripts/console/screenshot.js';
import { type RunningConsole, startConsole } from '../../scripts/console/server.js';
import { connectClients } from '../../scripts/dead-letters/cli.js';
import {
  discoverDeadLetterQueues,
  peekMessages,
  resolveQueue,
} from '../../scripts/dead-letters/dead-letters.js';
import { readTemplates } from '../../scripts/shared/cdk-out.js';
import { mappingDefinitions } from '../../scripts/stream/local-event-source.js';
import { formatTrace, traceOrder } from '../../scripts/trace/trace.js';
import { connect, waitFor } from './support.js';

// What the page functions below (run in the browser by page.waitForFunction) use of its
// document: typed here, as this file is Node code without the DOM's types.
declare const document: { querySelector(selector: string): { textContent: string | null } | null };

/**
 * The console in a real headless browser (Debian's chromium through playwright-core) against
 * the app deployed on the emulator: what the page shows is checked against the synthesized
 * templates, the queues and the broker, read here without the console's code.
 */

const app = connect();
const templates = readTemplates().filter((t) => t.stackName !== 'Benchmark');
const resources = templates.flatMap((t) => Object.values(t.resources));
// A dead letter of this run only, in a DLQ that nothing else of the suite writes to directly.
const DLQ = 'events/promotions';
const reason = `console test ${randomUUID()}`;

let running: RunningConsole;
let browser: Browser;
let page: Page;
let dlqUrl: string;

beforeAll(async () => {
  const dlq = resolveQueue(await discoverDeadLetterQueues(connectClients(false)), DLQ);
  dlqUrl = dlq.url;
  await app.sqs.send(
    new SendMessageCommand({
      QueueUrl: dlqUrl,
      MessageBody: JSON.stringify({ consoleTest: reason }),
      MessageAttributes: { [FAILURE_REASON_ATTRIBUTE]: { DataType: 'String', StringValue: reason } },
    }),
  );
  running = await startConsole({ port: 0, pollMs: 1000, tracer: { traceOrder, formatTrace } });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await openConsole(page, running.url);
});

afterAll(async () => {
  await browser?.close();
  await running?.close();
  // Take back the dead letter this file put there (and only it).
  if (dlqUrl) {
    for (let i = 0; i < 5; i++) {
      const out = await app.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 5 }),
      );
      const mine = (out.Messages ?? []).find((m) => m.Body?.includes(reason));
      if (mine?.ReceiptHandle) {
        await app.sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: mine.ReceiptHandle }));
        break;
      }
    }
  }
});

const labelsOf = (kind: string) =>
  page.$$eval(`#graph g.node.kind-${kind}`, (nodes) => nodes.map((n) => n.getAttribute('data-label') ?? ''));

/** The status of a GET of the page sent with this Host header. */
const statusFor = (host: string) =>
  new Promise<number>((resolve, reject) => {
    const req = request(running.url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });

describe('npm run console in a headless browser', () => {
  it('answers only requests addressed to 127.0.0.1 or localhost', async () => {
    expect(await statusFor(`127.0.0.1:${running.port}`)).toBe(200);
    expect(await statusFor(`localhost:${running.port}`)).toBe(200);
    expect(await statusFor(`console.attacker.example:${running.port}`)).toBe(403);
  });

  it('draws the bus, every rule with its pattern, the queues with depths, the saga, the Kafka topic and each group', async () => {
    expect(await labelsOf('bus')).toHaveLength(
      resources.filter((r) => r.Type === 'AWS::Events::EventBus').length,
    );
    const rules = resources.filter((r) => r.Type === 'AWS::Events::Rule');
    expect(await labelsOf('rule')).toHaveLength(rules.length);
    const patterns = await page.$$eval('#rules table.rules tbody tr td:nth-child(3)', (cells) =>
      cells.map((c) => c.textContent ?? ''),
    );
    for (const rule of rules) expect(patterns).toContain(JSON.stringify(rule.Properties?.EventPattern));

    const queues = (await labelsOf('queue')).length + (await labelsOf('dead-letter-queue')).length;
    expect(queues).toBe(resources.filter((r) => r.Type === 'AWS::SQS::Queue').length);
    const depths = await page.$$eval('#graph g.node.kind-queue text.reading', (texts) =>
      texts.map((t) => t.textContent ?? ''),
    );
    expect(depths.length).toBeGreaterThan(0);
    for (const depth of depths) expect(depth).toMatch(/^\d+ waiting/);

    expect(await labelsOf('state-machine')).toHaveLength(
      resources.filter((r) => r.Type === 'AWS::StepFunctions::StateMachine').length,
    );
    const topics = resources.flatMap((r) =>
      r.Type === 'Custom::KafkaTopic' ? [String(r.Properties?.TopicName)] : [],
    );
    expect(await labelsOf('kafka-topic')).toEqual(topics);
    const groups = mappingDefinitions(templates).map((m) => m.definition.ConsumerGroupId ?? '');
    expect((await labelsOf('consumer-group')).sort()).toEqual(groups.sort());
    const lags = await page.$$eval('#graph g.node.kind-consumer-group text.reading', (texts) =>
      texts.map((t) => t.textContent ?? ''),
    );
    for (const lag of lags) expect(lag).toMatch(/^lag \d+$/);
  });

  it('shows the live depth of a dead-letter queue that holds a message', async () => {
    const { physicalIds } = (await (await fetch(`${running.url}api/topology`)).json()) as TopologyResponse;
    const nodeId = Object.entries(physicalIds).find(([, url]) => url === dlqUrl)?.[0];
    expect(nodeId, `a node for ${dlqUrl}`).toBeDefined();
    const visible = await waitFor(
      `a depth of at least 1 on ${DLQ}`,
      async () => {
        const text = await page.locator(`#graph g.node[data-id="${nodeId}"] text.reading`).textContent();
        const n = Number(/^(\d+) waiting/.exec(text ?? '')?.[1] ?? 0);
        return n >= 1 ? n : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 500 },
    );
    expect(visible).toBeGreaterThanOrEqual(1);
  });

  it("traces an order placed now: its hops in a table with the total, the saga's node highlighted", async () => {
    const orderId = newOrderId('console');
    await app.publisher.publish([placeOrder({ orderId, total: 150 })]);
    const kinds = await traceInPage(page, orderId, {
      until: ['bus-put', 'saga-step', 'store-append', 'kafka-append'],
      timeoutMs: 45_000,
    });
    expect(kinds).toEqual(expect.arrayContaining(['bus-put', 'saga-step', 'store-append', 'kafka-append']));
    expect(await page.textContent('#trace-status')).toContain(`Order ${orderId}:`);
    expect(await page.textContent('#trace-result .trace-total')).toMatch(/^Total: \d+ ms over \d+ hops\.$/);
    expect(await page.locator('#graph g.node.touched.kind-state-machine').count()).toBe(1);
  });

  it('opens a dead-letter queue: its messages with their reasons, and a redrive dry run that moves nothing', async () => {
    await page.click(`#dlq-list button.open-dlq[data-url="${dlqUrl}"]`);
    await page.waitForSelector('#dlq-messages table.dlq-messages', { timeout: 15_000 });
    const reasons = await page.$$eval('#dlq-messages table.dlq-messages tbody tr td:nth-child(3)', (cells) =>
      cells.map((c) => c.textContent ?? ''),
    );
    expect(reasons).toContain(reason);

    await page.click('#dry-run');
    await page.waitForFunction(
      () => /would move|empty/.test(document.querySelector('#dry-run-result')?.textContent ?? ''),
      undefined,
      {
        timeout: 15_000,
      },
    );
    expect(await page.textContent('#dry-run-result')).toMatch(
      /^events\/promotions: would move \d+ message\(s\) to /,
    );
    expect((await peekMessages(app.sqs, dlqUrl, 10)).some((m) => m.Body?.includes(reason))).toBe(true);
  });
});
