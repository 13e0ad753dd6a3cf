import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SFNClient } from '@aws-sdk/client-sfn';
import { build } from 'esbuild';
import type { Admin } from 'kafkajs';
import { connectClients } from '../dead-letters/cli.js';
import { type DeadLetterQueue, discoverDeadLetterQueues, queueDepth } from '../dead-letters/dead-letters.js';
import { clientConfig, DEFAULT_ENDPOINT, emulatorEnv } from '../emulator/emulator.js';
import { clusterLayout } from '../kafka/config.js';
import { kafkaClient } from '../kafka/engine.js';
import { readTemplates } from '../shared/cdk-out.js';
import { CDK_OUT } from '../shared/paths.js';
import type { OrderTrace } from '../trace/model.js';
import { physicalIdsOf } from '../trace/topology.js';
import { CONSOLE_HOST, checkHost, DEFAULT_CONSOLE_PORT, DEFAULT_POLL_SECONDS } from './args.js';
import { deadLetterMessages, deadLetterView, redriveDryRun } from './dead-letters.js';
import { layoutTopology } from './layout.js';
import { type LiveClients, readLive } from './live.js';
import type { DeadLetterView, LiveSnapshot, TopologyResponse, TraceResponse } from './model.js';
import { extractTopology } from './topology.js';
import { touchedNodes } from './touched.js';

/**
 * The console's HTTP server: the page (its TypeScript bundled with esbuild at start), the laid
 * out topology, live readings polled in the background, order traces and the dead-letter panel.
 * Listens on 127.0.0.1 only and answers only requests addressed to it by that name.
 */

const UI_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ui');

/** The trace library's two calls (scripts/trace/trace.ts). */
export interface Tracer {
  traceOrder(id: string, options?: { aws?: boolean }): Promise<OrderTrace | undefined>;
  formatTrace(trace: OrderTrace): string;
}

export interface ConsoleOptions {
  /** Only 127.0.0.1 is accepted. */
  readonly host?: string;
  /** @default 4599; 0 picks a free port */
  readonly port?: number;
  /** @default 3000 */
  readonly pollMs?: number;
  /** @default cdk.out of the project */
  readonly cdkOut?: string;
  readonly tracer?: Tracer;
  /** Told about background problems (the first time each is seen). */
  readonly log?: (line: string) => void;
}

export interface RunningConsole {
  readonly url: string;
  readonly port: number;
  /** The latest reading, after the first poll. */
  live(): Promise<LiveSnapshot>;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The page's script: ui/main.ts and what it imports, bundled for the browser. */
async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(UI_DIR, 'main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no bundle for the console page.');
  return file.text;
}

export async function startConsole(options: ConsoleOptions = {}): Promise<RunningConsole> {
  const host = checkHost(options.host ?? CONSOLE_HOST);
  const pollMs = options.pollMs ?? DEFAULT_POLL_SECONDS * 1000;
  const log = options.log ?? (() => {});
  const topology = layoutTopology(
    extractTopology(readTemplates(options.cdkOut ?? CDK_OUT, 'the console draws the app from them')),
  );
  const script = await bundlePage();
  const html = readFileSync(path.join(UI_DIR, 'index.html'), 'utf8');
  const css = readFileSync(path.join(UI_DIR, 'style.css'), 'utf8');

  const dlqClients = connectClients(false);
  const sfn = new SFNClient(clientConfig(emulatorEnv(process.env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT)));
  let admin: Admin | undefined;
  const liveClients: LiveClients = {
    cfn: dlqClients.cfn,
    sqs: dlqClients.sqs,
    sfn,
    kafkaAdmin: async () => {
      if (!admin) {
        const a = kafkaClient(clusterLayout(1), 'order-console').admin();
        await a.connect();
        admin = a;
      }
      return admin;
    },
  };

  // Physical ids are read again after a problem: a redeploy may have replaced a resource.
  let ids = new Map<string, string>();
  const refreshIds = async () => {
    try {
      ids = await physicalIdsOf(dlqClients.cfn, topology.stacks);
    } catch (error) {
      warn(`reading the deployed stacks: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const seen = new Set<string>();
  const warn = (line: string) => {
    if (!seen.has(line)) log(line);
    seen.add(line);
  };

  let latest: LiveSnapshot | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const poll = async (): Promise<LiveSnapshot> => {
    if (ids.size === 0 || (latest?.problems.length ?? 0) > 0) await refreshIds();
    const snapshot = await readLive(liveClients, topology, ids);
    if (!snapshot.kafka && admin) {
      await admin.disconnect().catch(() => undefined);
      admin = undefined;
    }
    for (const p of snapshot.problems) warn(p);
    latest = snapshot;
    return snapshot;
  };
  // One reading after the other: a slow broker must not pile polls up.
  const loop = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      poll()
        .catch((error: unknown) => warn(String(error)))
        .finally(loop);
    }, pollMs);
  };
  const firstReading = poll().finally(loop);
  const live = async () => latest ?? (await firstReading);

  /** Every dead-letter queue drawn or known to `npm run dlq`, with its depth (read afresh). */
  const deadLetterList = async (): Promise<{ view: DeadLetterView; queue?: DeadLetterQueue }[]> => {
    const queues = await discoverDeadLetterQueues(dlqClients);
    const nodeOfUrl = new Map(
      topology.nodes.flatMap((n) => {
        const url = ids.get(n.id);
        return url && n.kind === 'dead-letter-queue' ? [[url, n.id] as const] : [];
      }),
    );
    const known = await Promise.all(
      queues.map(async (q) => ({
        view: deadLetterView(q, await queueDepth(dlqClients.sqs, q.url), nodeOfUrl),
        queue: q,
      })),
    );
    // Drawn ones `npm run dlq` does not list (the order log's on-failure queues): read-only here too.
    const others = await Promise.all(
      [...nodeOfUrl]
        .filter(([url]) => !queues.some((q) => q.url === url))
        .map(async ([url, nodeId]) => {
          const node = topology.nodes.find((n) => n.id === nodeId);
          const depth = await queueDepth(dlqClients.sqs, url);
          return {
            view: {
              shortName: node?.label ?? url,
              name: node?.path ?? url,
              kind: 'on-failure queue',
              url,
              nodeId,
              ...depth,
              redrivesTo: 'not redriven by npm run redrive',
            },
          };
        }),
    );
    return [...known, ...others];
  };
  const findDeadLetter = async (url: string | null) => {
    const found = (await deadLetterList()).find((d) => d.view.url === url);
    if (!found) throw new HttpError(404, `no dead-letter queue of the app has the URL '${url ?? ''}'.`);
    return found;
  };

  const trace = async (id: string): Promise<TraceResponse> => {
    if (!options.tracer)
      throw new HttpError(501, 'order traces need scripts/trace/trace.ts, which is not there.');
    const found = await options.tracer.traceOrder(id, { aws: false });
    if (!found)
      throw new HttpError(
        404,
        `no order or correlation id '${id}' was found in the logs, the saga or the stores.`,
      );
    return {
      trace: found,
      text: options.tracer.formatTrace(found),
      touched: touchedNodes(topology, found, ids),
    };
  };

  const routes: Record<string, (url: URL) => Promise<unknown>> = {
    'GET /api/topology': async () =>
      ({ ...topology, physicalIds: Object.fromEntries(ids), pollMs }) satisfies TopologyResponse,
    'GET /api/live': live,
    'GET /api/trace': async (url) => {
      const id = url.searchParams.get('id')?.trim();
      if (!id) throw new HttpError(400, 'give an orderId or a correlationId.');
      return trace(id);
    },
    'GET /api/dead-letters': async () => (await deadLetterList()).map((d) => d.view),
    'GET /api/dead-letters/messages': async (url) =>
      deadLetterMessages(dlqClients.sqs, (await findDeadLetter(url.searchParams.get('url'))).view),
    'POST /api/dead-letters/dry-run': async (url) => {
      const { queue, view } = await findDeadLetter(url.searchParams.get('url'));
      if (!queue)
        throw new HttpError(
          409,
          `${view.shortName} is not redriven by npm run redrive, so it has no dry run.`,
        );
      return redriveDryRun(queue);
    },
  };
  const pages: Record<string, { type: string; body: string }> = {
    '/': { type: 'text/html; charset=utf-8', body: html },
    '/app.js': { type: 'text/javascript; charset=utf-8', body: script },
    '/style.css': { type: 'text/css; charset=utf-8', body: css },
  };

  let port = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    // Only requests addressed to this machine by name: no page elsewhere can reach in (DNS rebinding).
    const allowed = [`${CONSOLE_HOST}:${port}`, `localhost:${port}`];
    if (!allowed.includes(req.headers.host ?? '')) {
      send(403, 'text/plain; charset=utf-8', 'the console answers requests to 127.0.0.1 only\n');
      return;
    }
    const url = new URL(req.url ?? '/', `http://${CONSOLE_HOST}:${port}`);
    const page = req.method === 'GET' ? pages[url.pathname] : undefined;
    if (page) return send(200, page.type, page.body);
    const route = routes[`${req.method} ${url.pathname}`];
    if (!route)
      return send(404, 'application/json', JSON.stringify({ error: `no ${req.method} ${url.pathname}` }));
    try {
      send(200, 'application/json', JSON.stringify(await route(url)));
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      send(status, 'application/json', JSON.stringify({ error: message }));
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  const wanted = options.port ?? DEFAULT_CONSOLE_PORT;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      stopped = true;
      if (timer) clearTimeout(timer);
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${wanted} on ${host} is in use: pass --port <N> (0 picks a free one).`)
          : error,
      );
    });
    server.listen(wanted, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${CONSOLE_HOST}:${port}/`,
    port,
    live,
    close: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await firstReading.catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await admin?.disconnect().catch(() => undefined);
    },
  };
}
