import * as path from 'node:path';
import { ROOT } from '../shared/paths.js';
import { fail, progress, runMain } from '../shared/progress.js';
import { parseCostArgs, USAGE } from './cli.js';

runMain(async () => {
  const parsed = parseCostArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    console.log(USAGE);
    return;
  }
  if (parsed.kind === 'error') fail(`${parsed.message}\n\n${USAGE}`, 2);
  // The app and aws-cdk-lib take seconds to load: only once the arguments are good.
  const { appStructure } = await import('./app-structure.js');
  const { DEFAULT_ASSUMPTIONS, withMeasuredDurations } = await import('./assumptions.js');
  const { comparisonMarkdown, comparisons, synthesizeAlternatives } = await import('./compare.js');
  const { costReport } = await import('./model.js');
  const { PRICES_AS_OF } = await import('./prices.js');
  const { assumptionsMarkdown, pricesNote, reportMarkdown } = await import('./report.js');
  const { QUOTAS_AS_OF, SCALING_DOC, scalingMarkdown, scalingView, writeScalingDoc } = await import(
    './scaling.js'
  );
  const { ordersPerMonth: orders, json, scaling, writeDocs } = parsed.options;
  const benchmarks = parsed.options.benchmarks ?? path.join('docs', 'benchmarks', 'latest.json');
  const assumptions = withMeasuredDurations(DEFAULT_ASSUMPTIONS, path.resolve(ROOT, benchmarks));

  if (scaling) {
    progress.step('Synthesizing the app (no bundling)');
    const view = scalingView(appStructure(), orders, assumptions);
    if (json) {
      console.log(JSON.stringify({ quotasAsOf: QUOTAS_AS_OF, assumptions, scaling: view }, null, 2));
    } else {
      console.log(scalingMarkdown(view));
    }
    if (writeDocs) {
      writeScalingDoc(view);
      progress.ok(`wrote the tables into ${SCALING_DOC}`);
    }
    return;
  }

  progress.step('Synthesizing the app and its alternatives (no bundling)');
  const alts = synthesizeAlternatives();
  progress.step(`Pricing ${orders.toLocaleString('en-US')} orders a month`);
  const report = costReport(alts.base, orders, assumptions);
  const compared = comparisons(alts, orders, assumptions);
  if (json) {
    const { structure: _, ...rest } = report;
    console.log(
      JSON.stringify({ pricesAsOf: PRICES_AS_OF, report: rest, comparisons: compared, assumptions }, null, 2),
    );
    return;
  }
  console.log(
    [
      `Cost model of the synthesized app: ${pricesNote()}`,
      '',
      reportMarkdown(report, assumptions),
      '',
      ...compared.flatMap((c) => [comparisonMarkdown(c, orders), '']),
      assumptionsMarkdown(assumptions),
    ].join('\n'),
  );
});
