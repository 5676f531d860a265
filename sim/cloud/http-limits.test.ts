import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { startWorld } from './cloud.test-kit.ts';

/** A raw socket to `url`; `closed` resolves with the ms it stayed open. */
async function rawSocket(url: string) {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  socket.on('error', () => {});
  await once(socket, 'connect');
  const opened = performance.now();
  return { socket, closed: once(socket, 'close').then(() => performance.now() - opened) };
}

const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`${what}: not within ${ms} ms`)), ms))]);

test('API listener: silent, stalled-header and stalled-body sockets are reaped in the configured time (DESIGN §2)', async () => {
  const w = await startWorld({ http: { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 300, maxConnections: 64 } });
  try {
    const silent = await rawSocket(w.cloud.url);
    const half = await rawSocket(w.cloud.url);
    half.socket.write('POST /third/lock/get HTTP/1.1\r\nHost: x\r\n');
    const body = await rawSocket(w.cloud.url);
    body.socket.write('POST /third/lock/get HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"a":');
    for (const [s, what] of [[silent, 'silent'], [half, 'half headers'], [body, 'stalled body']] as const) {
      const ms = await within(s.closed, 2500, what);
      assert.ok(ms >= 250, `${what} kept at least the timeout (${ms.toFixed(0)} ms)`);
    }
  } finally {
    await w.close();
  }
});

test('API listener: connections over the cap are refused at once, and it serves again when they go', async () => {
  const w = await startWorld({ http: { maxConnections: 4 } });
  const sockets: Awaited<ReturnType<typeof rawSocket>>[] = [];
  try {
    for (let i = 0; i < 7; i++) sockets.push(await rawSocket(w.cloud.url));
    await Promise.all(sockets.slice(4).map((s) => within(s.closed, 500, 'over the cap')));
    for (const s of sockets) s.socket.destroy();
    await Promise.all(sockets.map((s) => s.closed));
    const r = await w.call('/third/lock/get', { app_id: 'app_test', lock_id: 1000001 });
    assert.equal(r.body.code, 200);
  } finally {
    await w.close();
  }
});
