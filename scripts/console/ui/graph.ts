import type { LiveSnapshot, NodeBox, NodeKind, Point, TopologyResponse } from '../model.js';
import { svg } from './dom.js';

/** Draws the laid-out topology as SVG (positions come from the server's dagre layout). */

export const KIND_NAMES: Readonly<Record<NodeKind, string>> = {
  bus: 'event bus',
  rule: 'rule',
  queue: 'queue',
  'dead-letter-queue': 'dead-letter queue',
  function: 'function',
  topic: 'SNS topic',
  'state-machine': 'saga (Step Functions)',
  'event-store': 'event store',
  'kafka-topic': 'Kafka topic',
  'consumer-group': 'consumer group',
};

/** A box's rectangle (boxes are centred on x, y). */
const rectOf = (box: NodeBox, rx: number) =>
  svg('rect', {
    x: box.x - box.width / 2,
    y: box.y - box.height / 2,
    width: box.width,
    height: box.height,
    rx,
  });

const routeOf = (points: readonly Point[]) =>
  points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');

export interface Drawing {
  readonly svg: SVGSVGElement;
  /** Put live readings on the nodes. */
  update(live: LiveSnapshot): void;
  /** Mark the nodes an order touched (and the edges between them); none clears. */
  highlight(nodeIds: readonly string[]): void;
}

export function drawTopology(topology: TopologyResponse, onSelect: (nodeId: string) => void): Drawing {
  const root = svg('svg', {
    id: 'graph',
    viewBox: `0 0 ${Math.ceil(topology.width)} ${Math.ceil(topology.height)}`,
    // Its size at 1:1; fitted to the page's width by CSS unless "Actual size" is on.
    width: Math.ceil(topology.width),
    height: Math.ceil(topology.height),
    role: 'img',
    'aria-label': 'The deployed topology',
  });
  root.append(
    svg(
      'defs',
      {},
      ...['flow', 'dead-letter', 'touched'].map((kind) =>
        svg(
          'marker',
          {
            id: `arrow-${kind}`,
            viewBox: '0 0 10 10',
            refX: 9,
            refY: 5,
            markerWidth: 7,
            markerHeight: 7,
            orient: 'auto-start-reverse',
          },
          svg('path', { d: 'M0,0 L10,5 L0,10 z', class: `arrow arrow-${kind}` }),
        ),
      ),
    ),
  );
  for (const [stackName, box] of Object.entries(topology.clusters)) {
    root.append(
      svg(
        'g',
        { class: 'cluster' },
        rectOf(box, 10),
        svg('text', { x: box.x - box.width / 2 + 10, y: box.y - box.height / 2 + 16 }, stackName),
      ),
    );
  }
  const edges = topology.edges.map((e, i) => {
    const path = svg(
      'path',
      {
        d: routeOf(topology.routes[i] ?? []),
        class: `edge edge-${e.kind}`,
        'marker-end': `url(#arrow-${e.kind})`,
      },
      svg('title', {}, `${e.label}`),
    );
    root.append(path);
    return { edge: e, path };
  });
  const live = new Map<string, SVGTextElement>();
  const nodes = new Map<string, SVGGElement>();
  for (const n of topology.nodes) {
    const box = topology.boxes[n.id];
    if (!box) continue;
    const reading = svg('text', { x: box.x, y: box.y + 13, class: 'reading' }, '');
    const group = svg(
      'g',
      { class: `node kind-${n.kind}`, 'data-id': n.id, 'data-label': n.label, tabindex: 0 },
      svg('title', {}, `${KIND_NAMES[n.kind]}: ${n.path}`),
      rectOf(box, 6),
      svg('text', { x: box.x, y: box.y - 3, class: 'label' }, n.label),
      reading,
    );
    group.addEventListener('click', () => onSelect(n.id));
    group.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') onSelect(n.id);
    });
    root.append(group);
    nodes.set(n.id, group);
    live.set(n.id, reading);
  }
  // Static facts until the first reading.
  for (const n of topology.nodes) {
    const reading = live.get(n.id);
    if (reading && n.kind !== 'queue' && n.kind !== 'dead-letter-queue')
      reading.textContent = KIND_NAMES[n.kind];
  }

  return {
    svg: root,
    update(snapshot) {
      for (const n of topology.nodes) {
        const reading = live.get(n.id);
        const group = nodes.get(n.id);
        if (!reading || !group) continue;
        const q = snapshot.queues[n.id];
        if (q) {
          reading.textContent = `${q.visible} waiting${q.inFlight > 0 ? ` · ${q.inFlight} in flight` : ''}`;
          reading.setAttribute('data-depth', String(q.visible));
          group.classList.toggle('busy', q.visible + q.inFlight > 0);
        } else if (n.kind === 'consumer-group' && snapshot.kafka) {
          const lag = snapshot.kafka.lag[n.label] ?? 0;
          reading.textContent = `lag ${lag}`;
          group.classList.toggle('busy', lag > 0);
        } else if (n.kind === 'kafka-topic' && snapshot.kafka) {
          reading.textContent = `${snapshot.kafka.records} records · ${snapshot.kafka.partitions} partitions`;
        } else if (n.kind === 'state-machine' && snapshot.runningSagas !== undefined) {
          reading.textContent = `${snapshot.runningSagas} running`;
        }
      }
    },
    highlight(ids) {
      const touched = new Set(ids);
      for (const [id, group] of nodes) group.classList.toggle('touched', touched.has(id));
      for (const { edge, path } of edges) {
        const on = touched.has(edge.from) && touched.has(edge.to) && edge.kind === 'flow';
        path.classList.toggle('touched', on);
        path.setAttribute('marker-end', `url(#arrow-${on ? 'touched' : edge.kind})`);
      }
    },
  };
}
