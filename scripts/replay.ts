import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { readOutputs } from './lib/deploy.js';
import { clientConfig, DEFAULT_ENDPOINT, emulatorEnv } from './lib/emulator.js';
import { fail, progress, runMain } from './lib/progress.js';
import { startReplay, waitForReplay } from './lib/replay.js';
import { parseReplayArgs, REPLAY_USAGE } from './lib/replay-args.js';

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
  let parsed: ReturnType<typeof parseReplayArgs>;
  try {
    parsed = parseReplayArgs(process.argv.slice(2));
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n\n${REPLAY_USAGE}`, 2);
  }
  if (parsed.help) {
    console.log(REPLAY_USAGE);
    return;
  }
  const { options: values, notes } = parsed;
  const { from, to, timeoutSeconds } = values;
  for (const note of notes) progress.warn(note);

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
    ruleArns: values.rules,
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
