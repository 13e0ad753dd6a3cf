import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { clientConfig, DEFAULT_ENDPOINT, emulatorEnv } from '../emulator/emulator.js';
import { fail, progress, runMain } from '../shared/progress.js';
import { deployedBusName } from '../shared/stack-outputs.js';
import { parseReplayArgs, REPLAY_USAGE } from './args.js';
import { startReplay, waitForReplay } from './replay.js';

async function busArnFor(client: EventBridgeClient, busName: string): Promise<string> {
  const bus = await client.send(new DescribeEventBusCommand({ Name: busName })).catch((error: Error) => {
    throw new Error(`event bus '${busName}' was not found (${error.message}).`);
  });
  if (!bus.Arn) throw new Error(`event bus '${busName}' has no ARN.`);
  return bus.Arn;
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

  const config = values.aws
    ? {}
    : clientConfig(emulatorEnv(process.env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT));
  const client = new EventBridgeClient(config);
  const busName = values.bus ?? (await deployedBusName(new CloudFormationClient(config)));
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
