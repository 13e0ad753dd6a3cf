import { PRICES } from '../prices.js';
import { gb, type Ledger } from './ledger.js';

/** CloudWatch: log ingestion scales with traffic; alarms and dashboards are monthly fees. */
export function priceCloudWatch(ledger: Ledger, invocations: number, stateTransitions: number): void {
  const { a } = ledger;
  const logBytes = invocations * a.lambdaLogBytesPerInvocation + stateTransitions * a.sfnLogBytesPerState;
  ledger.add({
    service: 'CloudWatch',
    item: 'logs ingested (Lambda, Step Functions)',
    units: gb(logBytes),
    unit: 'GB',
    usd: gb(logBytes) * PRICES.logsIngestion.usd,
  });
  const { alarms, dashboards } = ledger.structure.counts;
  ledger.add({
    service: 'CloudWatch',
    item: 'alarms',
    units: alarms,
    unit: 'alarms',
    usd: alarms * PRICES.alarm.usd,
    fixed: true,
  });
  ledger.add({
    service: 'CloudWatch',
    item: 'dashboards',
    units: dashboards,
    unit: 'dashboards',
    usd: dashboards * PRICES.dashboard.usd,
    fixed: true,
  });
}
