import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmulator, probe } from '../../../../scripts/emulator/emulator.js';

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

describe('emulator detection', () => {
  const notAnEmulator = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<h1>some web app</h1>');
  });
  const fakeEmulator = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ services: { sqs: 'available' }, version: '9.9.9' }));
  });
  let webApp = '';
  let emulator = '';

  beforeAll(async () => {
    webApp = await listen(notAnEmulator);
    emulator = await listen(fakeEmulator);
  });
  afterAll(() => {
    notAnEmulator.close();
    fakeEmulator.close();
  });

  it('recognises an endpoint that serves the emulator health document', async () => {
    expect(await probe(emulator)).toEqual({ kind: 'emulator', version: '9.9.9' });
  });

  it('tells a port taken by something else apart from an emulator', async () => {
    expect((await probe(webApp)).kind).toBe('other');
  });

  it('reports a closed port as closed', async () => {
    const server = createServer();
    const url = await listen(server);
    server.close();
    expect(await probe(url)).toEqual({ kind: 'closed' });
  });

  it('fails with a clear message when AWS_ENDPOINT_URL is not an emulator', async () => {
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = webApp;
    try {
      await expect(ensureEmulator()).rejects.toThrow(
        /does not answer as an emulator.*unset AWS_ENDPOINT_URL/s,
      );
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
    }
  });

  it('uses AWS_ENDPOINT_URL without starting anything when it answers', async () => {
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = emulator;
    try {
      expect(await ensureEmulator()).toEqual({ endpoint: emulator, startedNow: false });
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
    }
  });
});
