import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Everything the scripts create locally (virtualenv, PID file, logs, outputs); git-ignored. */
export const LOCAL_DIR = path.join(ROOT, '.local');
export const OUTPUTS_FILE = path.join(LOCAL_DIR, 'outputs.json');
export const CDK_OUT = path.join(ROOT, 'cdk.out');
