import type {
  DeadLetterMessages,
  DeadLetterView,
  DryRunView,
  LiveSnapshot,
  TopologyResponse,
  TraceResponse,
} from '../model.js';
import { api, byId, el, errorText, present, table } from './dom.js';
import { type Drawing, drawTopology, KIND_NAMES } from './graph.js';

/** The console page: the drawing, live readings, an order's trace, the dead-letter panel. */

let topology: TopologyResponse | undefined;
let drawing: Drawing | undefined;
let latest: LiveSnapshot | undefined;
let selected: string | undefined;

const time = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');

function showTotals(live: LiveSnapshot): void {
  const k = live.kafka;
  const parts = [
    el('span', { class: 'total', id: 'total-waiting' }, `${live.totals.waiting} waiting`),
    el('span', { class: 'total' }, `${live.totals.inFlight} in flight`),
    el(
      'span',
      { class: `total${live.totals.deadLettered > 0 ? ' warn' : ''}` },
      `${live.totals.deadLettered} dead-lettered`,
    ),
    k ? el('span', { class: 'total' }, `${k.topic}: ${k.records} records`) : undefined,
    live.runningSagas === undefined
      ? undefined
      : el('span', { class: 'total' }, `${live.runningSagas} sagas running`),
    el('span', { class: 'updated' }, `read ${time(live.at)} UTC`),
  ];
  byId('totals').replaceChildren(...parts.filter(present));
  byId('problems').replaceChildren(...live.problems.map((p) => el('li', {}, p)));
}

function showKafka(live: LiveSnapshot): void {
  const k = live.kafka;
  const groups = topology?.nodes.filter((n) => n.kind === 'consumer-group') ?? [];
  byId('kafka').replaceChildren(
    k
      ? el('p', {}, `Topic ${k.topic}: ${k.partitions} partitions, ${k.records} records retained.`)
      : el('p', { class: 'muted' }, 'The broker could not be read (see the problems above).'),
    table(
      ['consumer group', 'lag', 'batch size', 'batching window', 'starting position'],
      groups.map((g) => [
        g.label,
        k ? String(k.lag[g.label] ?? 0) : '?',
        g.details['batch size'],
        g.details['batching window'],
        g.details['starting position'],
      ]),
      'groups',
    ),
  );
}

function showDetails(): void {
  const node = topology?.nodes.find((n) => n.id === selected);
  const target = byId('details');
  if (!node || !topology) {
    target.replaceChildren(el('p', { class: 'muted' }, 'Select a node to see what it is.'));
    return;
  }
  const physical = topology.physicalIds[node.id];
  const q = latest?.queues[node.id];
  const facts: [string, string][] = [
    ['kind', KIND_NAMES[node.kind]],
    ['stack', node.stackName],
    ['construct', node.path],
    ...(physical ? ([['deployed as', physical]] as [string, string][]) : []),
    ...(q ? ([['depth', `${q.visible} waiting, ${q.inFlight} in flight`]] as [string, string][]) : []),
    ...Object.entries(node.details),
  ];
  const out = topology.edges.filter((e) => e.from === node.id);
  const into = topology.edges.filter((e) => e.to === node.id);
  const name = (id: string) => topology?.nodes.find((n) => n.id === id)?.label ?? id;
  const parts = [
    el('h3', {}, node.label),
    el(
      'dl',
      {},
      ...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, k === 'pattern' ? el('code', {}, v) : v)]),
    ),
    into.length > 0
      ? el('p', {}, `from: ${into.map((e) => `${name(e.from)} (${e.label})`).join(', ')}`)
      : undefined,
    out.length > 0
      ? el('p', {}, `to: ${out.map((e) => `${name(e.to)} (${e.label})`).join(', ')}`)
      : undefined,
    node.kind === 'dead-letter-queue' && physical
      ? (() => {
          const button = el('button', { type: 'button' }, 'Open its dead letters');
          button.addEventListener('click', () => void openDeadLetters(physical));
          return button;
        })()
      : undefined,
  ];
  target.replaceChildren(...parts.filter(present));
}

function showRouting(t: TopologyResponse): void {
  byId('rules').replaceChildren(
    table(
      ['rule', 'bus', 'event pattern', 'targets'],
      t.rules.map((r) => [r.name, r.bus, el('code', {}, r.pattern), r.targets.join(', ')]),
      'rules',
    ),
  );
  byId('subscriptions').replaceChildren(
    table(
      ['topic', 'subscriber', 'protocol', 'filter policy'],
      t.subscriptions.map((s) => [
        s.topic,
        s.endpoint,
        s.protocol,
        s.filterPolicy
          ? el('code', {}, `${s.filterPolicy}${s.filterPolicyScope ? ` (${s.filterPolicyScope})` : ''}`)
          : 'everything',
      ]),
      'subscriptions',
    ),
  );
}

async function refreshLive(): Promise<void> {
  try {
    latest = await api<LiveSnapshot>('/api/live');
    drawing?.update(latest);
    showTotals(latest);
    showKafka(latest);
    if (selected) showDetails();
  } catch (error) {
    byId('problems').replaceChildren(el('li', {}, `live readings: ${errorText(error)}`));
  }
}

async function traceOrder(id: string): Promise<void> {
  const status = byId('trace-status');
  const result = byId('trace-result');
  status.textContent = `Tracing ${id}…`;
  status.className = 'muted';
  try {
    const { trace, text, touched } = await api<TraceResponse>(`/api/trace?id=${encodeURIComponent(id)}`);
    drawing?.highlight(touched);
    status.textContent = `Order ${trace.orderId}: ${trace.hops.length} hops in ${trace.totalMs} ms (from ${trace.source}); ${touched.length} nodes highlighted.`;
    status.className = '';
    result.replaceChildren(
      table(
        ['time', 'kind', 'where', 'summary', 'outcome', 'latency'],
        trace.hops.map((h) => [
          time(h.at),
          h.kind,
          h.where,
          h.summary,
          el('span', { class: `outcome outcome-${h.outcome}` }, h.outcome),
          h.latencyMs === undefined ? '' : `${h.latencyMs} ms`,
        ]),
        'hops',
      ),
      el('p', { class: 'trace-total' }, `Total: ${trace.totalMs} ms over ${trace.hops.length} hops.`),
      el('details', {}, el('summary', {}, 'As npm run trace prints it'), el('pre', {}, text)),
    );
  } catch (error) {
    drawing?.highlight([]);
    status.textContent = errorText(error);
    status.className = 'error';
    result.replaceChildren();
  }
}

async function listDeadLetters(): Promise<void> {
  const target = byId('dlq-list');
  try {
    const queues = await api<DeadLetterView[]>('/api/dead-letters');
    target.replaceChildren(
      table(
        ['dead-letter queue', 'kind', 'depth', 'redrives to', ''],
        queues.map((q) => {
          const button = el('button', { type: 'button', 'data-url': q.url, class: 'open-dlq' }, 'Open');
          button.addEventListener('click', () => void openDeadLetters(q.url));
          return [
            q.shortName,
            q.kind,
            `${q.visible}${q.inFlight > 0 ? ` (+${q.inFlight} in flight)` : ''}`,
            q.redrivesTo,
            button,
          ];
        }),
        'dlqs',
      ),
    );
  } catch (error) {
    target.replaceChildren(el('p', { class: 'error' }, errorText(error)));
  }
}

async function openDeadLetters(url: string): Promise<void> {
  const target = byId('dlq-messages');
  target.replaceChildren(el('p', { class: 'muted' }, 'Reading the queue (messages stay where they are)…'));
  try {
    const { queue, messages } = await api<DeadLetterMessages>(
      `/api/dead-letters/messages?url=${encodeURIComponent(url)}`,
    );
    const dryRun = el('button', { type: 'button', id: 'dry-run' }, 'Redrive: dry run');
    const outcome = el('output', { id: 'dry-run-result' });
    dryRun.addEventListener('click', async () => {
      outcome.textContent = 'Dry run…';
      try {
        const r = await api<DryRunView>(`/api/dead-letters/dry-run?url=${encodeURIComponent(url)}`, 'POST');
        outcome.textContent = `${r.queue}: ${r.outcome}`;
      } catch (error) {
        outcome.textContent = errorText(error);
      }
    });
    target.replaceChildren(
      el(
        'h3',
        { id: 'dlq-title' },
        `${queue.shortName} (${queue.kind}): ${queue.visible} waiting, ${queue.inFlight} in flight`,
      ),
      el('p', { class: 'muted' }, `Redrives to ${queue.redrivesTo}.`),
      messages.length === 0
        ? el(
            'p',
            { class: 'muted', id: 'dlq-empty' },
            'No message came back: the queue is empty (or its messages are in flight).',
          )
        : table(
            ['sent', 'receives', 'reason', 'body'],
            messages.map((m) => [
              m.sentAt ? time(m.sentAt) : '?',
              m.receives,
              m.reason,
              el('code', {}, m.body),
            ]),
            'dlq-messages',
          ),
      el('p', {}, dryRun, ' ', outcome),
    );
  } catch (error) {
    target.replaceChildren(el('p', { class: 'error' }, errorText(error)));
  }
}

async function start(): Promise<void> {
  topology = await api<TopologyResponse>('/api/topology');
  drawing = drawTopology(topology, (id) => {
    selected = id;
    showDetails();
  });
  byId('graph-scroll').replaceChildren(drawing.svg);
  byId('zoom').addEventListener('click', () => {
    const fit = byId('graph-scroll').classList.toggle('actual-size');
    byId('zoom').textContent = fit ? 'Fit to width' : 'Actual size';
  });
  showRouting(topology);
  showDetails();
  byId<HTMLFormElement>('trace-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const id = byId<HTMLInputElement>('trace-id').value.trim();
    if (id) void traceOrder(id);
  });
  byId('dlq-refresh').addEventListener('click', () => void listDeadLetters());
  await refreshLive();
  document.body.dataset.ready = 'true';
  setInterval(() => void refreshLive(), topology.pollMs);
  void listDeadLetters();
}

start().catch((error: unknown) => {
  document.body.replaceChildren(
    el('p', { class: 'error' }, `The console could not start: ${errorText(error)}`),
  );
});
