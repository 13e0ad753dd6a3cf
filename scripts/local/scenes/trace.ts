import { progress } from '../../shared/progress.js';
import { formatTrace, traceOrder } from '../../trace/trace.js';
import type { DemoRun } from './shared.js';

/**
 * Scene 6: one order followed everywhere. The declined order of the saga scene, traced from
 * the functions' logs, the saga's history and the stores: its bus put and rule deliveries, the
 * saga's steps and the compensation, the store appends and the relay, the Kafka partition and
 * offset with each group's read.
 */
export async function traceScene(demo: DemoRun): Promise<void> {
  const orderId = demo.id('3003');
  progress.step(`Following one order everywhere: ${orderId} (card declined) with npm run trace`);
  const trace = await traceOrder(orderId);
  if (!trace) throw new Error(`npm run trace found nothing for ${orderId}, an order this demo placed`);
  console.log(`\n${formatTrace(trace)}`);
  console.log(`\n  Trace any order: npm run trace -- <orderId|correlationId> (--json)`);
  console.log('  See it drawn, with live queue depths and dead letters: npm run console');
}
