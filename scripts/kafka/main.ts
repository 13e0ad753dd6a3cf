import { fail, progress, runMain } from '../shared/progress.js';
import { clusterLayout, KAFKA_USAGE, parseKafkaArgs } from './config.js';
import { ensureKafka, kafkaStatus, liveBrokerIds, residentMb, stopKafka } from './engine.js';

runMain(async () => {
  let parsed: ReturnType<typeof parseKafkaArgs>;
  try {
    parsed = parseKafkaArgs(process.argv.slice(2));
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n\n${KAFKA_USAGE}`, 2);
  }
  if (parsed.help) {
    console.log(KAFKA_USAGE);
    return;
  }
  const { command, brokers } = parsed;
  switch (command) {
    case 'start': {
      const handle = await ensureKafka({ brokers });
      console.log(handle.brokers.join(','));
      return;
    }
    case 'stop': {
      const stopped = await stopKafka({ brokers });
      progress.ok(
        stopped.length > 0
          ? `Stopped Kafka node${stopped.length > 1 ? 's' : ''} ${stopped.join(', ')}`
          : 'No Kafka node started by this project is running',
      );
      return;
    }
    case 'status': {
      const statuses = await kafkaStatus({ brokers });
      for (const { node, pid, running, portOpen } of statuses) {
        const rss = pid === undefined ? undefined : residentMb(pid);
        const what = running
          ? `running, PID ${pid}${rss === undefined ? '' : `, ${rss} MB resident`}`
          : portOpen
            ? 'port taken by a process this project did not start'
            : 'stopped';
        console.log(`${node.name}  127.0.0.1:${node.port}  ${what}`);
      }
      if (statuses.some((s) => s.running)) {
        const ids = await liveBrokerIds(clusterLayout(statuses.length)).catch(
          (error: Error) => error.message,
        );
        console.log(`cluster reports: ${Array.isArray(ids) ? `brokers ${ids.join(', ')}` : ids}`);
      }
      return;
    }
  }
});
