import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { readOutputs } from './lib/deploy.js';
import { clientConfig, DEFAULT_ENDPOINT, emulatorEnv } from './lib/emulator.js';
import { fail, progress, runMain } from './lib/progress.js';
import { parseTime, startReplay, waitForReplay } from './lib/replay.js';

const USAGE = `Usage: npm run replay -- --from <time> --to <time> [options]

Replays archived events of the orders bus onto it again; consumers absorb the repeats
idempotently. <time> is ISO 8601 (2026-11-27T10:00:00Z), 'now', or an age: 30s, 15m, 2h, 1d.

  --from <time>      start of the window (required)
  --to <time>        end of the window (required; 'now' is fine)
  --bus <name>       event bus name (default: the deployed OrderEvents bus)
  --archive <name>   archive to replay from (default: the bus's only archive)
  --rule <arn>       replay only to this rule; repeat for several (default: every rule)
  --timeout <s>      how long to wait for the replay to finish (default 900)
  --aws              use your AWS credentials and region instead of the local emulator
  --help             this text

Examples:
  npm run replay -- --from 15m --to now
  npm run replay -- --from 2026-11-27T09:00:00Z --to 2026-11-27T10:00:00Z --aws`;

async function busArnFor(client: EventBridgeClient, busName: string): Promise<string> {
  const bus = await client.send(new DescribeEventBusCommand({ Name: busName })).catch((error: Error) => {
    throw new Error(`event bus '${busName}' was not found (${error.message}).`);
  });
  if (!bus.Arn) throw new Error(`event bus '${busName}' has no ARN.`);
  return bus.Arn;
}

async function deployedBusName(aws: boolean): Promise<string> {
  if (!aws) {
    const name = readOutputs().OrderEvents?.BusName;
    if (!name)
      throw new Error(
        'the OrderEvents stack is not in .local/outputs.json; deploy it (npm run local) or pass --bus.',
      );
    return name;
  }
  const cfn = new CloudFormationClient({});
  const stack = await cfn.send(new DescribeStacksCommand({ StackName: 'OrderEvents' }));
  const name = stack.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'BusName')?.OutputValue;
  if (!name) throw new Error('the OrderEvents stack has no BusName output; deploy it or pass --bus.');
  return name;
}

runMain(async () => {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        bus: { type: 'string' },
        archive: { type: 'string' },
        rule: { type: 'string', multiple: true },
        timeout: { type: 'string', default: '900' },
        aws: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  }
  try {
    parsed = parse();
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`, 2);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.from || !values.to) fail(`--from and --to are required.\n\n${USAGE}`, 2);
  const timeoutSeconds = Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    fail(`--timeout must be a positive number of seconds, got '${values.timeout}'.`, 2);
  let from: Date;
  let to: Date;
  try {
    from = parseTime(values.from);
    to = parseTime(values.to);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error), 2);
  }
  if (from.getTime() >= to.getTime())
    fail(`--from (${from.toISOString()}) must be before --to (${to.toISOString()}).`, 2);

  const client = values.aws
    ? new EventBridgeClient({})
    : new EventBridgeClient(clientConfig(emulatorEnv(process.env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT)));
  const busName = values.bus ?? (await deployedBusName(values.aws));
  const busArn = await busArnFor(client, busName);

  progress.step(`Replaying ${from.toISOString()} → ${to.toISOString()} onto ${busName}`);
  const replayName = await startReplay(client, {
    busArn,
    archiveName: values.archive,
    from,
    to,
    ruleArns: values.rule,
  });
  progress.info(`replay ${replayName} started`);
  let lastState = '';
  const span = to.getTime() - from.getTime();
  const final = await waitForReplay(client, replayName, {
    timeoutMs: timeoutSeconds * 1000,
    onProgress: (state) => {
      const at = state.EventLastReplayedTime?.getTime();
      const done = at
        ? ` (${Math.min(100, Math.round(((at - from.getTime()) / span) * 100))}% of the window)`
        : '';
      const line = `${state.State ?? 'UNKNOWN'}${done}`;
      if (line !== lastState) progress.info(line);
      lastState = line;
    },
  });
  const took =
    final.ReplayStartTime && final.ReplayEndTime
      ? final.ReplayEndTime.getTime() - final.ReplayStartTime.getTime()
      : undefined;
  progress.ok(
    `Replay ${replayName} completed${took !== undefined ? ` in ${(took / 1000).toFixed(1)} s` : ''}`,
  );
});
