import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseFixture } from './fixture.ts';
import { generateFleet } from './fleet-shard.ts';
import { World } from './world.ts';
import { JsonPieces, sendJsonPieces } from './json-http.ts';
import { waitUntil } from '../io/index.ts';

/** `GET /world` as it was built before it was streamed: one object, one `JSON.stringify`. */
function wholeView(world: World): unknown {
  return {
    time: world.clock.now(),
    mode: world.clock.mode,
    locks: Array.from(world.locks.snapshots(), (s) => {
      const ap = world.apOf.get(s.lock_id);
      const gw = ap === undefined ? undefined : world.gateways.get(ap);
      return {
        lock_id: s.lock_id, online: s.reachable && !!gw?.online && !gw.partitioned, battery_pct: s.battery_pct,
        low_voltage: s.low_voltage, is_abnormal: s.is_abnormal, lock_time: s.lock_time, ap_id: ap ?? null,
      };
    }),
    gateways: [
      ...[...world.gateways.values()].map((g) => ({ ap_id: g.apId, online: g.online })),
      ...[...world.externalGateways].map((apId) => ({ ap_id: apId, online: world.cloud?.gatewayOnline(apId) ?? false, external: true })),
    ],
  };
}

// DESIGN §8 `GET /world`, DESIGN §13: streamed, and byte for byte what the whole object's text was.
test('GET /world: chunked, the same bytes as the whole view, over many writes', async () => {
  const parsed = parseFixture(generateFleet(2_000, 4));
  if (!parsed.ok) throw new Error('generated fleet invalid');
  const world = await World.create(parsed.fixture);
  try {
    const control = (method: string, path: string, body: unknown): Promise<Response> => fetch(`${world.urls.control}${path}`, { method, body: JSON.stringify(body) });
    await control('POST', `/gateways/${parsed.fixture.gateways[1]!.ap_id}`, { online: false });
    await control('POST', `/locks/${parsed.fixture.locks[7]!.lock_id}`, { battery_pct: 3 });
    await control('POST', '/clock', { advance: 3_600 });
    const res = await fetch(`${world.urls.control}/world`);
    assert.equal(res.headers.get('transfer-encoding'), 'chunked');
    assert.equal(res.headers.get('content-type'), 'application/json');
    const text = await res.text();
    assert.ok(text.length > 100_000, `a view of ${text.length} bytes takes several writes`);
    assert.equal(text, JSON.stringify(wholeView(world)));
  } finally {
    await world.close();
  }
});

const PIECE = `"${'x'.repeat(4_094)}"`;
const PIECES = 16_384;

/** A server answering one request with `PIECES` pieces (a JSON array of 64 MB), counting the pieces made. */
async function piecesServer(): Promise<{ url: string; made: () => number; answer: Promise<ServerResponse>; sent: Promise<void>; close: () => void }> {
  let made = 0;
  function* pieces(): Generator<string> {
    yield '[';
    for (let i = 0; i < PIECES; i++, made++) yield i === 0 ? PIECE : `,${PIECE}`;
    yield ']';
  }
  let answered!: (res: ServerResponse) => void;
  let done!: (p: Promise<void>) => void;
  const answer = new Promise<ServerResponse>((r) => (answered = r));
  const sent = new Promise<Promise<void>>((r) => (done = r)).then((p) => p);
  const server = createServer((_req, res) => {
    answered(res);
    done(sendJsonPieces(res, 200, new JsonPieces(pieces())));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  // A test that times out must not keep the run alive through this server.
  server.unref();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, made: () => made, answer, sent, close: () => server.close() };
}

test('sendJsonPieces: a reader that stops reading stops the making; read on, it gets every byte', { timeout: 20_000 }, async () => {
  const server = await piecesServer();
  try {
    const incoming = await new Promise<IncomingMessage>((resolve) => get(server.url, resolve));
    // Not reading: the client's buffers fill, then the kernel's, then the server's socket says "wait".
    const res = await server.answer;
    let seen = -1;
    await waitUntil('the making to stall', () => {
      const stalled = res.writableNeedDrain && server.made() === seen;
      seen = server.made();
      return stalled;
    }, { timeoutMs: 10_000, intervalMs: 50 });
    assert.ok(server.made() < PIECES / 2, `${server.made()} of ${PIECES} pieces made while nobody read`);
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    await server.sent;
    assert.equal(server.made(), PIECES);
    const body = Buffer.concat(chunks).toString('utf8');
    assert.equal(body.length, 2 + PIECES * PIECE.length + (PIECES - 1));
    assert.equal((JSON.parse(body) as string[]).length, PIECES);
  } finally {
    server.close();
  }
});

test('sendJsonPieces: a reader gone mid-answer ends the making, nothing left waiting', { timeout: 20_000 }, async () => {
  const server = await piecesServer();
  try {
    const incoming = await new Promise<IncomingMessage>((resolve) => get(server.url, resolve));
    await waitUntil('the making to wait', async () => (await server.answer).writableNeedDrain, { timeoutMs: 10_000 });
    incoming.destroy();
    await server.sent;
    assert.ok(server.made() < PIECES, `${server.made()} of ${PIECES} pieces made for a reader that left`);
  } finally {
    server.close();
  }
});
