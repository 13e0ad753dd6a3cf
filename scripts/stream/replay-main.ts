import { Kafka, logLevel } from 'kafkajs';
import { bootstrapServers, clusterLayout } from '../kafka/config.js';
import { fail, progress, runMain } from '../shared/progress.js';
import { textTable } from '../shared/table.js';
import {
  parseStreamReplayArgs,
  replayGroup,
  STREAM_REPLAY_USAGE,
  type StreamReplayCommand,
  StreamReplayUsageError,
} from './replay.js';

runMain(async () => {
  let command: StreamReplayCommand | { readonly help: true };
  try {
    command = parseStreamReplayArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof StreamReplayUsageError) fail(`${error.message}\n\n${STREAM_REPLAY_USAGE}`, 2);
    throw error;
  }
  if ('help' in command) {
    console.log(STREAM_REPLAY_USAGE);
    return;
  }
  const brokers = [...(command.brokers ?? bootstrapServers(clusterLayout(1)))];
  // Few, short retries: an absent broker is reported in seconds, not after kafkajs' backoff.
  const kafka = new Kafka({
    clientId: 'stream-replay',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1000 },
  });
  const admin = kafka.admin();
  await admin.connect().catch((error: Error) => {
    fail(
      `no Kafka broker answers at ${brokers.join(', ')} (${error.message}). Start the local one with: npm run kafka -- start`,
    );
  });
  try {
    const where =
      command.start.kind === 'time' ? command.start.at.toISOString() : `offset ${command.start.offset}`;
    progress.step(
      `${command.dryRun ? 'Dry run: ' : ''}Moving group ${command.group} on ${command.topic} back to ${where}`,
    );
    const moves = await replayGroup(admin, command);
    console.log(
      textTable(
        moves.map((m) => [String(m.partition), m.from ?? '—', m.to, String(m.again)]),
        { header: ['PARTITION', 'COMMITTED', 'NEW OFFSET', 'READ AGAIN'], indent: '  ' },
      ),
    );
    const again = moves.reduce((n, m) => n + Math.max(0, m.again), 0);
    progress.ok(
      command.dryRun
        ? `Would move ${moves.length} partition(s): ${again} record(s) read again`
        : `Moved ${moves.length} partition(s): the group reads ${again} record(s) again when its consumers start`,
    );
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  } finally {
    await admin.disconnect();
  }
});
