import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { portOpen } from '../../../../scripts/shared/process.js';
import { requireLocalBroker } from '../../../../scripts/stream/event-source-process.js';

/** A port on 127.0.0.1 that nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let listening: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (listening ? listening.close(() => resolve()) : resolve()));
  listening = undefined;
});

describe('the local broker check before a deploy', () => {
  it('names the broker and says how to start it when nothing answers there', async () => {
    // GIVEN a broker address nothing listens on
    const broker = `127.0.0.1:${await closedPort()}`;
    // WHEN the deploy checks it THEN the error names the address, what needs it and the command
    await expect(requireLocalBroker('Deploying the app', broker)).rejects.toThrow(
      new RegExp(`^Deploying the app needs the local Kafka broker on ${broker}.*npm run kafka -- start`),
    );
  });

  it('passes when the broker answers', async () => {
    // GIVEN something listening at the address
    listening = createServer();
    await new Promise<void>((resolve) => listening?.listen(0, '127.0.0.1', resolve));
    const { port } = listening.address() as { port: number };
    // WHEN / THEN
    expect(await portOpen('127.0.0.1', port)).toBe(true);
    await expect(requireLocalBroker('Deploying the app', `127.0.0.1:${port}`)).resolves.toBeUndefined();
  });
});
