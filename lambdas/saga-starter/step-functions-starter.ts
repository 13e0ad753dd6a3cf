import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { executionArn, type SagaStarter } from './start-saga.js';

export class StepFunctionsStarter implements SagaStarter {
  private readonly client = new SFNClient({});

  constructor(private readonly stateMachineArn: string) {}

  async start(name: string, input: unknown): Promise<'started' | 'already-started'> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );
      return 'started';
    } catch (error) {
      // Standard workflows keep names unique for 90 days: the run already exists.
      if (error instanceof ExecutionAlreadyExists) return 'already-started';
      throw error;
    }
  }

  async orderIdOf(name: string): Promise<string | undefined> {
    const execution = await this.client.send(
      new DescribeExecutionCommand({ executionArn: executionArn(this.stateMachineArn, name) }),
    );
    const input = JSON.parse(execution.input ?? '{}') as { order?: { orderId?: unknown } };
    return typeof input.order?.orderId === 'string' ? input.order.orderId : undefined;
  }
}
