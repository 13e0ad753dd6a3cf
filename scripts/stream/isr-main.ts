import { fail, runMain } from '../shared/progress.js';
import { formatIsrReport, ISR_USAGE, isrClaimsHold, parseIsrArgs, runIsrDemo } from './isr.js';

runMain(async () => {
  let options: ReturnType<typeof parseIsrArgs>;
  try {
    options = parseIsrArgs(process.argv.slice(2));
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n\n${ISR_USAGE}`, 2);
  }
  if (options.help) {
    console.log(ISR_USAGE);
    return;
  }
  const report = await runIsrDemo();
  console.log(options.json ? JSON.stringify(report, null, 2) : formatIsrReport(report));
  if (!isrClaimsHold(report)) process.exitCode = 1;
});
