/**
 * The soak's hostile phases (issue "a device under test is untrusted"; DESIGN §4 security): sockets
 * announcing huge CONNECTs, an authenticated gateway's storm of out-of-contract events, and a stranger's
 * flood of CONNECTs the broker must refuse. Each returns its figures; none may end the process, let a
 * stranger in, or grow the broker's records or the process without bound.
 */
import { connect } from 'node:net';
import { gatewayTopic } from '../sim/protocol/index.ts';
import { connectMqtt } from '../sim/io/index.ts';
import { strangerFlood } from '../sim/broker/strangers-flood.ts';
import type { World } from '../sim/world/world.ts';

export const rssMb = (): number => Math.round(process.memoryUsage().rss / 2 ** 20);

export interface HostileFigures { sockets: number; announcedMbEach: number; rssBeforeMb: number; rssAfterMb: number; cut: number }

/** Sockets that announce a 200 MB CONNECT and send 64 KiB of it; the broker must cut them at the header. */
export async function hostilePreAuth(world: World, sockets = 64): Promise<HostileFigures> {
  const broker = world.broker!;
  const f: HostileFigures = { sockets, announcedMbEach: 200, rssBeforeMb: rssMb(), rssAfterMb: 0, cut: 0 };
  const junk = Buffer.alloc(64 * 1024, 0x41);
  await Promise.all(Array.from({ length: sockets }, () => new Promise<void>((resolve) => {
    const s = connect({ host: '127.0.0.1', port: broker.port });
    s.on('error', () => resolve());
    s.on('close', () => resolve());
    s.on('connect', () => s.write(Buffer.concat([Buffer.from([0x10, 0x80, 0x80, 0x80, 0x60]), junk])));
    setTimeout(() => { s.destroy(); resolve(); }, 2000).unref();
  })));
  f.rssAfterMb = rssMb();
  f.cut = broker.stats.cutOversize;
  return f;
}

export interface StormFigures {
  /** Out-of-contract event bodies published by an authenticated gateway (QoS 1, each PUBACKed). */
  sent: number;
  /** Of those, counted on the gateway's record as outside DESIGN §4 (GWP-06's evidence). */
  malformedCounted: number;
  /** Bugs our code threw on them (GET /stats recentErrors); 0 is the target. */
  internalErrors: number;
  /** A last message past the gateway's packet limit: the connection is cut, the world goes on. */
  oversizeCut: number;
  /** An API call answered after the storm: the process kept serving. */
  servingAfter: boolean;
}

/** Event bodies no gateway may send (DESIGN §4 ranges): extreme numbers, wrong types, huge strings, deep nesting, not JSON. */
function stormBodies(lockId: number): string[] {
  const unlock = (over: Record<string, unknown>): string =>
    JSON.stringify({ event_id: 1, lock_id: lockId, type: 'unlock', mode: 1, result: 1, uid: 0, lock_time: 1_700_000_000, ...over });
  // Within the broker's 8 KiB gateway packet limit: "huge" for a field, not a cut connection.
  const deep = `${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}`;
  return [
    unlock({ lock_time: 1e300 }), unlock({ lock_time: -1 }), unlock({ lock_time: 2 ** 32 }), unlock({ lock_time: '1700000000' }), unlock({ lock_time: null }),
    unlock({ event_id: 1e300 }), unlock({ event_id: -5 }), unlock({ lock_id: 2 ** 53 }), unlock({ mode: 'x'.repeat(7000) }), unlock({ uid: JSON.parse(deep) as unknown }),
    JSON.stringify({ event_id: 1, lock_id: lockId, type: 'battery', battery_pct: 1e300, low_voltage: false }),
    JSON.stringify({ event_id: 1, lock_id: lockId, type: 'battery', battery_pct: -1, low_voltage: 'yes' }),
    '{"lock_time": 1e999, "type": "unlock"}', deep, '['.repeat(7000), 'not json', '',
  ];
}

/**
 * Gateway `apId` (its own credentials, a client id of its own) publishes `rounds` × the storm bodies on
 * its own `event` topic, then one message past its packet limit; the world must drop each, count it, and
 * keep serving (`probe` is an API call that must answer).
 */
export async function extremeStorm(world: World, apId: number, secret: string, lockId: number, rounds: number, probe: () => Promise<boolean>): Promise<StormFigures> {
  const { broker, cloud } = world;
  const before = { malformed: broker!.clientRecords()[`gw:${apId}`]?.malformed ?? 0, errors: cloud!.stats.internalErrors, cut: broker!.stats.cutOversize };
  const storm = await connectMqtt(world.urls.mqtt, { protocolVersion: 4, username: `gw:${apId}`, password: secret, clientId: 'soak-storm', reconnectPeriod: 0 });
  // Its connection is cut by design at the end (the oversize message): that error is the expected outcome.
  storm.on('error', () => {});
  const bodies = stormBodies(lockId);
  const topic = gatewayTopic(apId, 'event', '');
  let sent = 0;
  try {
    for (let r = 0; r < rounds; r++) {
      await Promise.all(bodies.map((b) => storm.publishAsync(topic, b, { qos: 1 }).then(() => void sent++)));
    }
    // Past the gateway's packet limit (DESIGN §4 security): the broker cuts this connection, nothing else.
    storm.publish(topic, 'x'.repeat(64 * 1024), { qos: 0 });
    await new Promise((r) => setTimeout(r, 200));
  } finally {
    await storm.endAsync(true);
  }
  return {
    sent,
    malformedCounted: (broker!.clientRecords()[`gw:${apId}`]?.malformed ?? 0) - before.malformed,
    internalErrors: cloud!.stats.internalErrors - before.errors,
    oversizeCut: broker!.stats.cutOversize - before.cut,
    servingAfter: await probe(),
  };
}

export interface StrangerFigures {
  attempts: number; refused: number; accepted: number; unanswered: number; slowed: number; seconds: number; perSecond: number;
  /** `GET /stats` (the control API) size, bytes, before and after the flood: bounded records, not one per stranger. */
  statsBytesBefore: number; statsBytesAfter: number;
  rssBeforeMb: number; rssAfterMb: number;
}

/** `GET /stats` of the world's control API, as bytes of its body. */
async function statsBytes(world: World): Promise<number> {
  const r = await fetch(`${world.urls.control}/stats`);
  return (await r.arrayBuffer()).byteLength;
}

/** `count` stranger CONNECTs (gw:{apId} with wrong passwords, random usernames) from many loopback addresses. */
export async function strangerPhase(world: World, apId: number, count: number): Promise<StrangerFigures> {
  const statsBytesBefore = await statsBytes(world);
  const rssBeforeMb = rssMb();
  const t0 = performance.now();
  const f = await strangerFlood({ host: '127.0.0.1', port: world.broker!.port, apId, count, concurrency: 32, addresses: 2000 });
  const seconds = (performance.now() - t0) / 1000;
  return {
    attempts: f.attempts, refused: f.refused, accepted: f.accepted, unanswered: f.unanswered, slowed: world.broker!.strangers().slowed,
    seconds: Math.round(seconds * 10) / 10, perSecond: Math.round(f.refused / seconds),
    statsBytesBefore, statsBytesAfter: await statsBytes(world), rssBeforeMb, rssAfterMb: rssMb(),
  };
}
