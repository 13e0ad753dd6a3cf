import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_KAFKA_BROKERS } from '../../../../lib/emulator/emulator-compatibility.js';
import {
  bootstrapServers,
  clusterIdFrom,
  clusterLayout,
  KAFKA_VERSION,
  parseKafkaArgs,
  SLF4J_VERSION,
  serverProperties,
} from '../../../../scripts/kafka/config.js';
import { ROOT } from '../../../../scripts/shared/paths.js';

/** server.properties text as a map, failing on a key written twice. */
function parse(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.trim().split('\n')) {
    const at = line.indexOf('=');
    const key = line.slice(0, at);
    expect(map.has(key), `${key} written twice`).toBe(false);
    map.set(key, line.slice(at + 1));
  }
  return map;
}

describe('local Kafka layout', () => {
  it('runs one broker on 9092 with its controller beside it by default', () => {
    const layout = clusterLayout();
    expect(layout.nodes).toEqual([{ id: 1, name: 'broker-1', port: 9092, controllerPort: 9093 }]);
    expect(layout).toMatchObject({ name: 'broker', replicationFactor: 1, minInsyncReplicas: 1 });
    expect(bootstrapServers(layout)).toEqual(['127.0.0.1:9092']);
  });

  it('puts a 3-node cluster on distinct ports, replicated 3 ways with 2 in sync required', () => {
    const layout = clusterLayout(3);
    expect(layout.nodes.map((n) => [n.id, n.name, n.port, n.controllerPort])).toEqual([
      [1, 'cluster-1', 19092, 19192],
      [2, 'cluster-2', 19093, 19193],
      [3, 'cluster-3', 19094, 19194],
    ]);
    expect(layout).toMatchObject({ name: 'cluster', replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('caps replication at 3 and lets a 2-node cluster survive one failure', () => {
    expect(clusterLayout(5)).toMatchObject({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(clusterLayout(2)).toMatchObject({ replicationFactor: 2, minInsyncReplicas: 1 });
  });

  it.each([0, 6, 1.5])('fails if asked for %s brokers', (n) => {
    expect(() => clusterLayout(n)).toThrow(/whole number from 1 to 5/);
  });
});

describe('server.properties', () => {
  it('makes the single broker its own controller quorum with internal topics replicated once', () => {
    const props = parse(serverProperties(clusterLayout(), 1, 'data-dir'));
    expect(Object.fromEntries(props)).toMatchObject({
      'node.id': '1',
      'process.roles': 'broker,controller',
      listeners: 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:9092',
      'controller.listener.names': 'CONTROLLER',
      'controller.quorum.voters': '1@127.0.0.1:9093',
      'log.dirs': 'data-dir',
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'share.coordinator.state.topic.replication.factor': '1',
      'min.insync.replicas': '1',
      'unclean.leader.election.enable': 'false',
      'auto.create.topics.enable': 'false',
    });
    // Failure detection stays at Kafka's defaults where nothing fails over.
    expect(props.has('broker.session.timeout.ms')).toBe(false);
    // Old segments of a short-retention topic go within seconds, not Kafka's 5 minutes.
    expect(Number(props.get('log.retention.check.interval.ms'))).toBeLessThanOrEqual(5000);
  });

  it('gives every cluster node the same voters, its own listeners and replication 3', () => {
    const layout = clusterLayout(3);
    const voters = '1@127.0.0.1:19192,2@127.0.0.1:19193,3@127.0.0.1:19194';
    for (const node of layout.nodes) {
      const props = parse(serverProperties(layout, node.id, `dir-${node.id}`));
      expect(Object.fromEntries(props)).toMatchObject({
        'node.id': String(node.id),
        listeners: `PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
        'controller.quorum.voters': voters,
        'log.dirs': `dir-${node.id}`,
        'offsets.topic.replication.factor': '3',
        'transaction.state.log.replication.factor': '3',
        'transaction.state.log.min.isr': '2',
        'default.replication.factor': '3',
        'min.insync.replicas': '2',
        'unclean.leader.election.enable': 'false',
        'auto.create.topics.enable': 'false',
      });
      // A killed node must be fenced well inside the ISR demo's deadlines.
      expect(Number(props.get('broker.session.timeout.ms'))).toBeLessThanOrEqual(6000);
      expect(Number(props.get('broker.heartbeat.interval.ms'))).toBeLessThan(
        Number(props.get('broker.session.timeout.ms')) / 3,
      );
    }
  });

  it('fails for a node that is not in the layout', () => {
    expect(() => serverProperties(clusterLayout(3), 4, 'dir')).toThrow(/node 4 is not part of the cluster/);
  });
});

describe('cluster id', () => {
  it('is 22 URL-safe base64 characters', () => {
    expect(clusterIdFrom(new Uint8Array(16).fill(0xab))).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('refuses one that would read as an option', () => {
    // 0xf8 encodes to a leading '-' in URL-safe base64.
    expect(clusterIdFrom(new Uint8Array(16).fill(0xf8))).toBeUndefined();
  });
});

describe('npm run kafka arguments', () => {
  it('parses a command with an optional broker count', () => {
    expect(parseKafkaArgs(['start'])).toEqual({ help: false, command: 'start', brokers: 1 });
    expect(parseKafkaArgs(['stop', '--brokers', '3'])).toEqual({ help: false, command: 'stop', brokers: 3 });
    expect(parseKafkaArgs(['--brokers=3', 'status'])).toEqual({ help: false, command: 'status', brokers: 3 });
    expect(parseKafkaArgs(['--help'])).toEqual({ help: true });
  });

  it.each([
    [[], /give a command/],
    [['restart'], /unknown command 'restart'/],
    [['start', 'now'], /unexpected argument 'now'/],
    [['start', '--brokers', 'three'], /--brokers must be a whole number from 1 to 5, got 'three'/],
    [['start', '--brokers', '9'], /--brokers must be a whole number from 1 to 5/],
    [['start', '--fast'], /Unknown option '--fast'/],
  ])('fails on %j', (argv, message) => {
    expect(() => parseKafkaArgs(argv)).toThrow(message);
  });
});

describe('pinned jars', () => {
  it('declares in scripts/kafka/pom.xml the versions the engine reports', () => {
    const pom = readFileSync(path.join(ROOT, 'scripts', 'kafka', 'pom.xml'), 'utf8');
    const version = (artifact: string) =>
      new RegExp(`<artifactId>${artifact}</artifactId>\\s*<version>([^<]+)</version>`).exec(pom)?.[1];
    expect(version('kafka_2.13')).toBe(KAFKA_VERSION);
    expect(version('slf4j-simple')).toBe(SLF4J_VERSION);
    // The binding only works with the API of its own line (Kafka brings slf4j-api 1.7).
    expect(version('slf4j-api')).toBe(SLF4J_VERSION);
    expect(version('maven-dependency-plugin')).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('the broker the emulator build points at', () => {
  it('is the one-broker layout that npm run kafka, npm run local and npm test start', () => {
    // GIVEN the address the EmulatorCompatibility aspect gives Kafka clients
    // WHEN compared with the local broker's bootstrap servers THEN they are one and the same
    expect(LOCAL_KAFKA_BROKERS).toBe(bootstrapServers(clusterLayout(1)).join(','));
  });
});
