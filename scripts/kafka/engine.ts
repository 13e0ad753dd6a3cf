/**
 * The local Apache Kafka engine, run like the emulator (scripts/emulator/emulator.ts): pinned
 * jars fetched once into .local/kafka/libs, each node started detached in its own process
 * group with its PID recorded, health-checked, and stopped by that PID only.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { LOCAL_DIR, ROOT } from '../shared/paths.js';
import { portOpen as portOpenAt, recordedPid, runsCommand } from '../shared/process.js';
import { progress } from '../shared/progress.js';
import { run } from '../shared/run.js';
import {
  bootstrapServers,
  type ClusterLayout,
  clusterIdFrom,
  clusterLayout,
  KAFKA_HOST,
  KAFKA_VERSION,
  type KafkaNode,
  serverProperties,
} from './config.js';

export const KAFKA_DIR = path.join(LOCAL_DIR, 'kafka');
export const KAFKA_LIBS = path.join(KAFKA_DIR, 'libs');
const POM = path.join(ROOT, 'scripts', 'kafka', 'pom.xml');
/** Holds the pom the jars came from: a version bump in the pom refetches them. */
const LIBS_MARKER = path.join(KAFKA_LIBS, '.fetched-from-pom.xml');
/** Heap and GC as measured in docs/kafka.md: ~340 MB resident per node. */
const JVM_OPTIONS = ['-Xmx384m', '-XX:+UseSerialGC'];
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;

export const nodeLog = (node: KafkaNode) => path.join(KAFKA_DIR, `${node.name}.log`);
const nodePidFile = (node: KafkaNode) => path.join(KAFKA_DIR, `${node.name}.pid`);
const nodeDir = (node: KafkaNode) => path.join(KAFKA_DIR, node.name);
const nodeProps = (node: KafkaNode) => path.join(nodeDir(node), 'server.properties');
const nodeData = (node: KafkaNode) => path.join(nodeDir(node), 'data');
const metadataFile = (layout: ClusterLayout) => path.join(KAFKA_DIR, `${layout.name}.json`);
const rel = (file: string) => path.relative(ROOT, file);

export interface KafkaHandle {
  readonly layout: ClusterLayout;
  /** Bootstrap servers, `127.0.0.1:port` each. */
  readonly brokers: readonly string[];
  /** Node ids this call started; the caller that started them stops them when done. */
  readonly startedNow: readonly number[];
}

/** What one node is doing, from its PID file and its port. */
export interface NodeStatus {
  readonly node: KafkaNode;
  readonly pid?: number;
  readonly running: boolean;
  readonly portOpen: boolean;
}

/**
 * A kafkajs client for the layout, quiet unless asked (the scripts report what matters
 * themselves; a background process may want kafkajs' errors in its log).
 */
export function kafkaClient(
  layout: ClusterLayout,
  clientId = 'local-tools',
  level = logLevel.NOTHING,
): Kafka {
  return new Kafka({
    clientId,
    brokers: bootstrapServers(layout),
    logLevel: level,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
  });
}

function javaMajor(): number | undefined {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  // `openjdk version "17.0.15"` / `java version "1.8.0_392"`
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

function requireJava(): void {
  const major = javaMajor();
  if (major === undefined) {
    throw new Error(
      `Java was not found (\`java -version\` failed); the local Kafka ${KAFKA_VERSION} broker needs Java 17 or newer. ` +
        'Install it (e.g. `apt-get install openjdk-17-jre-headless`) and put `java` on PATH.',
    );
  }
  if (major < 17) {
    throw new Error(`\`java\` on PATH is Java ${major}; Kafka ${KAFKA_VERSION} needs Java 17 or newer.`);
  }
}

/** The pinned jars in .local/kafka/libs: fetched with Maven on first use or after a pom change. */
export async function ensureKafkaJars(): Promise<void> {
  const wanted = readFileSync(POM, 'utf8');
  if (existsSync(LIBS_MARKER) && readFileSync(LIBS_MARKER, 'utf8') === wanted) return;
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error || mvn.status !== 0) {
    throw new Error(
      `Maven was not found (\`mvn -v\` failed); it fetches the Kafka ${KAFKA_VERSION} jars from Maven Central once. ` +
        'Install it (e.g. `apt-get install maven`) and run this again.',
    );
  }
  progress.step(
    `Fetching Apache Kafka ${KAFKA_VERSION} jars from Maven Central into ${rel(KAFKA_LIBS)} (first run only)`,
  );
  // A stale jar of an older version left on the classpath would shadow the new one.
  rmSync(KAFKA_LIBS, { recursive: true, force: true });
  mkdirSync(KAFKA_LIBS, { recursive: true });
  const started = Date.now();
  await run(
    'mvn',
    ['-q', '-B', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${KAFKA_LIBS}`],
    { quiet: true, cwd: ROOT },
  ).catch((error: Error) => {
    throw new Error(`Maven could not fetch the Kafka jars declared in ${rel(POM)}.\n${error.message}`);
  });
  writeFileSync(LIBS_MARKER, wanted);
  progress.ok(`Kafka jars fetched in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Is this PID this node's broker (not a recycled PID, not another checkout's)? */
const isOurNode = (pid: number, node: KafkaNode): boolean => runsCommand(pid, 'kafka.Kafka', nodeProps(node));

/** The PID of a node this project started and that still runs. */
export function runningPid(node: KafkaNode): number | undefined {
  const pid = recordedPid(nodePidFile(node));
  return pid !== undefined && isOurNode(pid, node) ? pid : undefined;
}

const portOpen = (port: number) => portOpenAt(KAFKA_HOST, port);

function logTail(node: KafkaNode, lines = 15): string {
  const file = nodeLog(node);
  return existsSync(file)
    ? readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n')
    : '(no log)';
}

interface ClusterMetadata {
  readonly clusterId: string;
  readonly kafkaVersion: string;
  readonly nodes: number;
}

function readMetadata(layout: ClusterLayout): ClusterMetadata | undefined {
  try {
    return JSON.parse(readFileSync(metadataFile(layout), 'utf8')) as ClusterMetadata;
  } catch {
    return undefined;
  }
}

function newClusterId(): string {
  for (;;) {
    const id = clusterIdFrom(randomBytes(16));
    if (id) return id;
  }
}

/**
 * Write every node's server.properties and format the log dirs the first time (or when the
 * layout changed: a node formatted for another quorum would refuse to join). Data survives a
 * stop/start, as on a real broker.
 */
async function prepareStorage(layout: ClusterLayout, nodes: readonly KafkaNode[]): Promise<void> {
  const meta = readMetadata(layout);
  const reusable = meta?.nodes === layout.nodes.length && meta.kafkaVersion === KAFKA_VERSION;
  const clusterId = reusable && meta ? meta.clusterId : newClusterId();
  if (!reusable) {
    for (const node of layout.nodes) rmSync(nodeDir(node), { recursive: true, force: true });
    writeFileSync(
      metadataFile(layout),
      `${JSON.stringify({ clusterId, kafkaVersion: KAFKA_VERSION, nodes: layout.nodes.length }, null, 2)}\n`,
    );
  }
  const unformatted: KafkaNode[] = [];
  for (const node of nodes) {
    mkdirSync(nodeDir(node), { recursive: true });
    writeFileSync(nodeProps(node), serverProperties(layout, node.id, nodeData(node)));
    if (!existsSync(path.join(nodeData(node), 'meta.properties'))) unformatted.push(node);
  }
  if (unformatted.length === 0) return;
  progress.step(
    `Formatting the KRaft log dir of ${unformatted.map((n) => n.name).join(', ')} (cluster ${clusterId})`,
  );
  await Promise.all(
    unformatted.map((node) =>
      run(
        'java',
        [
          '-cp',
          path.join(KAFKA_LIBS, '*'),
          'kafka.tools.StorageTool',
          'format',
          '-t',
          clusterId,
          '-c',
          nodeProps(node),
        ],
        { quiet: true, cwd: KAFKA_DIR },
      ).catch((error: Error) => {
        throw new Error(`could not format ${rel(nodeData(node))} for ${node.name}.\n${error.message}`);
      }),
    ),
  );
}

/** Past this a node's log is moved to `<node>.log.1` at its next start (about 1 MB per ISR run). */
const LOG_ROTATE_BYTES = 20 * 1024 * 1024;

function spawnNode(node: KafkaNode): number {
  // Appended, not truncated: a node restarted after a kill keeps the lines from before it.
  const file = nodeLog(node);
  if (existsSync(file) && statSync(file).size > LOG_ROTATE_BYTES) renameSync(file, `${file}.1`);
  const log = openSync(file, 'a');
  const child = spawn(
    'java',
    [...JVM_OPTIONS, '-cp', path.join(KAFKA_LIBS, '*'), 'kafka.Kafka', nodeProps(node)],
    // Detached: its own process group, so it outlives this script and is signalled as a unit.
    { detached: true, stdio: ['ignore', log, log], cwd: KAFKA_DIR },
  );
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${node.name}.`);
  child.unref();
  writeFileSync(nodePidFile(node), String(child.pid));
  return child.pid;
}

/** Ids of the brokers the cluster reports as registered and unfenced. */
export async function liveBrokerIds(layout: ClusterLayout): Promise<number[]> {
  const admin = kafkaClient(layout, 'local-health').admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Wait until each listed node's port is open and the cluster reports every node of the layout
 * as a broker; a node that exits meanwhile fails at once, naming its log.
 */
export async function waitForCluster(
  layout: ClusterLayout,
  watch: readonly KafkaNode[] = layout.nodes,
  timeoutMs = START_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const want = layout.nodes.map((n) => n.id).join(',');
  let seen = 'nothing yet';
  while (Date.now() < deadline) {
    for (const node of watch) {
      if (runningPid(node) === undefined) {
        throw new Error(
          `${node.name} exited during start-up; last lines of ${rel(nodeLog(node))}:\n${logTail(node)}`,
        );
      }
    }
    const open = await Promise.all(watch.map((n) => portOpen(n.port)));
    if (open.every(Boolean)) {
      const ids = await liveBrokerIds(layout).catch((error: Error) => {
        seen = error.message;
        return [];
      });
      if (ids.join(',') === want) return;
      if (ids.length > 0) seen = `brokers ${ids.join(', ')}`;
    } else
      seen = `ports ${watch
        .filter((_, i) => !open[i])
        .map((n) => n.port)
        .join(', ')} closed`;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `the ${layout.name} did not report brokers ${want} within ${timeoutMs / 1000} s (last seen: ${seen}); ` +
      `see ${watch.map((n) => rel(nodeLog(n))).join(', ')}`,
  );
}

/**
 * Start the given nodes of a layout (the others must already run or be started too): checks
 * Java, fetches the jars, formats new storage, then spawns and waits for the whole cluster.
 */
export async function startNodes(layout: ClusterLayout, nodes: readonly KafkaNode[]): Promise<void> {
  if (nodes.length === 0) return;
  requireJava();
  for (const node of nodes) {
    // A stale PID file (the node died or the machine restarted) must not stop a start.
    rmSync(nodePidFile(node), { force: true });
    for (const port of [node.port, node.controllerPort]) {
      if (await portOpen(port)) {
        throw new Error(
          `port ${port} (${node.name}) is taken by a process this project did not start. ` +
            `Stop it (find it with \`ss -ltnp 'sport = :${port}'\`) and try again.`,
        );
      }
    }
  }
  mkdirSync(KAFKA_DIR, { recursive: true });
  await ensureKafkaJars();
  await prepareStorage(layout, nodes);
  const started = Date.now();
  progress.step(
    `Starting Kafka ${KAFKA_VERSION} ${nodes.map((n) => `${n.name} on ${KAFKA_HOST}:${n.port}`).join(', ')}`,
  );
  for (const node of nodes) spawnNode(node);
  await waitForCluster(layout, nodes);
  progress.ok(
    `Kafka ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${nodes
      .map((n) => `${n.name} PID ${runningPid(n)}`)
      .join(', ')} (logs ${rel(KAFKA_DIR)}/<node>.log)`,
  );
}

/**
 * The layout as formatted on disk when its metadata says another size than asked for: a
 * 5-node cluster is stopped or reported as 5 nodes whatever `--brokers` says.
 */
function formattedLayout(brokers: number): ClusterLayout {
  const asked = clusterLayout(brokers);
  const meta = readMetadata(asked);
  return meta && meta.nodes !== brokers && meta.nodes > 1 ? clusterLayout(meta.nodes) : asked;
}

/** Make sure every node of a one-broker (default) or N-node cluster runs: reuse, or start what is missing. */
export async function ensureKafka(options: { readonly brokers?: number } = {}): Promise<KafkaHandle> {
  const layout = clusterLayout(options.brokers ?? 1);
  const onDisk = formattedLayout(layout.nodes.length);
  if (onDisk.nodes.length !== layout.nodes.length && onDisk.nodes.some((n) => runningPid(n) !== undefined)) {
    throw new Error(
      `a ${onDisk.nodes.length}-node Kafka cluster is running; stop it first (npm run kafka -- stop --brokers ${onDisk.nodes.length}).`,
    );
  }
  const missing = layout.nodes.filter((node) => runningPid(node) === undefined);
  if (missing.length === 0) {
    await waitForCluster(layout, layout.nodes, 30_000);
    progress.ok(`Reusing the running Kafka ${layout.name} (${bootstrapServers(layout).join(', ')})`);
  } else {
    await startNodes(layout, missing);
  }
  return { layout, brokers: bootstrapServers(layout), startedNow: missing.map((n) => n.id) };
}

/** Signal a node's whole process group (it was started detached), falling back to the PID. */
export function signalNode(node: KafkaNode, signal: NodeJS.Signals): number | undefined {
  const pid = runningPid(node);
  if (pid === undefined) return undefined;
  try {
    process.kill(-pid, signal);
  } catch {
    process.kill(pid, signal);
  }
  return pid;
}

/** How long a stopping node may wait for a controller quorum that no longer exists. */
const NO_QUORUM_GRACE_MS = 5000;

/**
 * Stop the given nodes (default: all of the layout) by their recorded PIDs: SIGCONT first (a
 * paused JVM cannot act on SIGTERM), SIGTERM for a controlled shutdown, SIGKILL after the
 * deadline. A broker's controlled shutdown needs the controller quorum: once fewer than a
 * majority of the voters run, the nodes still stopping would wait minutes for it, so they get
 * a short grace and are then killed (their logs are recovered at the next start). Returns the
 * ids that were running.
 */
export async function stopNodes(
  layout: ClusterLayout,
  nodes: readonly KafkaNode[] = layout.nodes,
  timeoutMs = STOP_TIMEOUT_MS,
): Promise<number[]> {
  const running = nodes.flatMap((node) => {
    const pid = runningPid(node);
    if (pid === undefined) rmSync(nodePidFile(node), { force: true });
    return pid === undefined ? [] : [{ node, pid }];
  });
  for (const { node } of running) {
    signalNode(node, 'SIGCONT');
    signalNode(node, 'SIGTERM');
  }
  const majority = Math.floor(layout.nodes.length / 2) + 1;
  const alive = () => running.filter(({ node, pid }) => isOurNode(pid, node));
  const deadline = Date.now() + timeoutMs;
  let quorumLostAt: number | undefined;
  for (let left = alive(); left.length > 0; left = alive()) {
    const voters = layout.nodes.filter((n) => runningPid(n) !== undefined).length;
    if (voters < majority) quorumLostAt ??= Date.now();
    const now = Date.now();
    const noQuorum = quorumLostAt !== undefined && now - quorumLostAt > NO_QUORUM_GRACE_MS;
    if (now > deadline || noQuorum) {
      for (const { node, pid } of left) {
        if (noQuorum) {
          // Expected for the last node of a cluster stopped whole: nothing is left to approve it.
          progress.info(
            `${node.name} (PID ${pid}) waits for a controller quorum that has stopped: killing it`,
          );
        } else
          progress.warn(`${node.name} (PID ${pid}) did not stop within ${timeoutMs / 1000} s: killing it`);
        signalNode(node, 'SIGKILL');
      }
      // SIGKILL is not instant either: wait for the ports to be free for a restart.
      const killDeadline = Date.now() + 5000;
      while (alive().length > 0 && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 50));
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const { node } of running) rmSync(nodePidFile(node), { force: true });
  return running.map(({ node }) => node.id);
}

/** Stop the one-broker default or the N-node cluster this project started. */
export function stopKafka(options: { readonly brokers?: number } = {}): Promise<number[]> {
  return stopNodes(formattedLayout(options.brokers ?? 1));
}

/** Each node of the one-broker default or the cluster (at the size it was formatted with). */
export async function kafkaStatus(options: { readonly brokers?: number } = {}): Promise<NodeStatus[]> {
  const layout = formattedLayout(options.brokers ?? 1);
  return Promise.all(
    layout.nodes.map(async (node) => {
      const pid = runningPid(node);
      return {
        node,
        ...(pid === undefined ? {} : { pid }),
        running: pid !== undefined,
        portOpen: await portOpen(node.port),
      };
    }),
  );
}

/** Resident memory of a process in MB (Linux), for the status line and the docs' figures. */
export function residentMb(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Math.round(Number(kb) / 1024);
  } catch {
    return undefined;
  }
}
