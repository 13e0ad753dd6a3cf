import { AppClient } from '../shared/app-client.js';
import { fail, progress, runMain } from '../shared/progress.js';
import { textTable } from '../shared/table.js';
import { rebuildProjection, type StatusRow } from './projection.js';

const USAGE = `Usage: npm run projection:rebuild [-- --show N]

Replays every order in the fulfilment service's event store into a fresh status projection
(in memory), then compares it with the live one the status stream keeps, order by order, and
reports whether they are equal and where they differ (exit 1 if they do). Reads the deployed
app on the local emulator (or AWS_ENDPOINT_URL).
  --show N   list at most N differences (default 20)`;

function parse(argv: readonly string[]): { help: boolean; show: number } {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true, show: 0 };
  let show = 20;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--show') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 0)
        throw new Error(`--show takes a whole number, got '${argv[i] ?? ''}'.`);
      show = n;
    } else throw new Error(`unknown option '${arg}'.`);
  }
  return { help: false, show };
}

const describe = (row?: StatusRow) => (row ? `${row.status} (${row.sequence})` : '—');

runMain(async () => {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(process.argv.slice(2));
  } catch (error) {
    fail(`${(error as Error).message}\n\n${USAGE}`, 2);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const app = new AppClient();
  progress.step('Reading every order from the event store, replaying each into a fresh projection');
  let lastPrinted = 0;
  const { rebuilt, differences } = await rebuildProjection(app, (stage, count, of) => {
    if (Date.now() - lastPrinted < 1000) return;
    lastPrinted = Date.now();
    progress.info(
      stage === 'read' ? `${count} items read` : `${count} of ${of} orders compared with the live projection`,
    );
  });
  if (differences.length === 0) {
    progress.ok(`The rebuilt projection equals the live one for all ${rebuilt.size} orders`);
    return;
  }
  console.log(
    textTable(
      differences.slice(0, args.show).map((d) => [d.orderId, describe(d.rebuilt), describe(d.live)]),
      { header: ['ORDER', 'REBUILT', 'LIVE'], indent: '  ' },
    ),
  );
  if (differences.length > args.show) console.log(`  … and ${differences.length - args.show} more`);
  fail(
    `${differences.length} of ${rebuilt.size} orders differ (a relay still catching up shows as LIVE behind REBUILT)`,
  );
});
