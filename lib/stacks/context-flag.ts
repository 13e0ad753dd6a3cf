import type { App } from 'aws-cdk-lib';

/** Whether a CDK context key is set and not false (`-c key=true`, `-c key=1`, `{ key: true }`). */
export function contextFlag(app: App, key: string): boolean {
  const value = app.node.tryGetContext(key);
  return value !== undefined && value !== false && value !== 'false';
}
