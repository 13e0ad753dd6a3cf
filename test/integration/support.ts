import { AppClient } from '../../scripts/shared/app-client.js';
import { busProbe } from '../../scripts/shared/bus-probe.js';
import { logLines } from '../../scripts/shared/logs.js';
import { settled, waitFor } from '../../scripts/shared/wait.js';

export { busProbe, logLines, settled, waitFor };

/** The deployed app; integration tests run after `npm test` (or `npm run local`) deployed it. */
export function connect(): AppClient {
  return new AppClient();
}
