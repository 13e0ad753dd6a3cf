import { Aspects, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { QueueConsumer } from '../../lib/patterns/queue-consumer/index.js';
import { ReliableQueue } from '../../lib/patterns/reliable-queue/index.js';
import { FAULT_INJECTION_ENV, FaultInjection } from '../../lib/shared/fault-injection.js';
import { NodeFunction } from '../../lib/shared/node-function.js';
import { lambdaEntry } from '../../lib/stacks/app-functions.js';
import { createApp, ENV } from './support.js';

describe('FaultInjection', () => {
  let injection: FaultInjection;
  let environments: Record<string, Record<string, string> | undefined>;
  beforeAll(() => {
    // GIVEN a function of a stack and a consumer's function, one level deeper
    const app = createApp({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Faults', { env: ENV });
    const entry = lambdaEntry('email-notifier');
    new NodeFunction(stack, 'AuthorizePayment', { entry });
    new NodeFunction(stack, 'ReserveStock', { entry });
    new QueueConsumer(stack, 'EmailNotifier', { source: new ReliableQueue(stack, 'Emails'), entry });
    // WHEN faults target both by the ids a user knows them by, and a name that is no function
    injection = new FaultInjection({
      seed: 7,
      targets: {
        AuthorizePayment: { rate: 0.5, mode: 'error' },
        EmailNotifier: { rate: 1, mode: 'timeout' },
        Typo: { rate: 1, mode: 'error' },
      },
    });
    Aspects.of(app).add(injection);
    environments = Object.fromEntries(
      Object.entries(Template.fromStack(stack).findResources('AWS::Lambda::Function')).map(([id, r]) => [
        id.replace(/[0-9A-F]{8}$/, ''),
        r.Properties?.Environment?.Variables,
      ]),
    );
  });

  it('gives the targeted functions their fault settings, and no other function any', () => {
    // THEN
    expect(environments.AuthorizePayment?.[FAULT_INJECTION_ENV]).toBe(
      JSON.stringify({ rate: 0.5, mode: 'error', seed: 7 }),
    );
    expect(environments.EmailNotifierFunction?.[FAULT_INJECTION_ENV]).toBe(
      JSON.stringify({ rate: 1, mode: 'timeout', seed: 7 }),
    );
    expect(environments.ReserveStock).not.toHaveProperty(FAULT_INJECTION_ENV);
  });

  it('names the targets that matched no function', () => {
    // THEN
    expect(injection.unmatched()).toEqual(['Typo']);
  });
});
