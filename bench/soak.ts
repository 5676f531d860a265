/**
 * `npm run bench -- --soak [--seconds T] [--clients N]`: a soak and fault campaign on loopback, whose figures
 * are its report's losses (`pushes.lost`, `lostPasswordWrites`, …). N clients make mixed API calls for T
 * seconds while gateways go offline, crash and are partitioned, the push sink fails, a gateway forges acks for
 * others' commands, another squats client ids, and hostile sockets announce huge CONNECTs. Afterwards lock and
 * cloud state are compared and pushes counted against what the locks really did. Zero losses is the target.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'node:net';
import { formatLocalTime } from '../sim/cloud/events.ts';
import { gatewayTopic, parseCommand, parseGatewayTopic, signBody } from '../sim/protocol/index.ts';
import { World } from '../sim/world/world.ts';
import { connectMqtt, waitUntil } from '../sim/io/index.ts';
import { BENCH_APP, GATEWAY_BASE, LOCK_BASE, fleetFixture } from './fleet-fixture.ts';
import { JsonClient } from './load.ts';

/** Soak knobs; every figure it reports comes back in `SoakFigures`. */
export interface SoakOptions {
  /** Seconds of load and faults; default 20. */
  seconds: number;
  /** Concurrent API clients; default 8. */
  clients: number;
}

export interface SoakFigures {
  seconds: number; clients: number; locks: number; gateways: number;
  apiCalls: number; http5xx: number; codes: Record<string, number>;
  faults: { offline: number; partitioned: number; crashed: number; sinkFailures: number };
  pushes: { expectedUnlockLogs: number; lost: number; duplicated: number; reordered: number; gatewayBufferDropped: number };
  phantomPasswords: number; lostPasswordWrites: number; compensationsPending: number; compensationsGivenUp: number;
  forgedAcksSent: number; forgedAcksAccepted: number; forgedAcksDropped: number;
  squatAttempts: number; squatsAccepted: number;
  hostile: { sockets: number; announcedMbEach: number; rssBeforeMb: number; rssAfterMb: number; cut: number };
}

const LOCKS = 40;
const GATEWAYS = 8;
const rand = (n: number): number => Math.floor(Math.random() * n);
const rssMb = (): number => Math.round(process.memoryUsage().rss / 2 ** 20);

/** A bounded drain; one that does not finish is not an error here: it shows in the figures (lost, pending). */
function drain(what: string, cond: () => boolean, timeoutMs: number): Promise<unknown> {
  return waitUntil(what, cond, { timeoutMs, intervalMs: 20 }).catch(() => undefined);
}

/** Sockets that announce a 200 MB CONNECT and send 64 KiB of it; the broker must cut them at the header. */
async function hostilePreAuth(port: number, sockets: number): Promise<void> {
  const junk = Buffer.alloc(64 * 1024, 0x41);
  await Promise.all(Array.from({ length: sockets }, () => new Promise<void>((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.on('error', () => resolve());
    s.on('close', () => resolve());
    s.on('connect', () => s.write(Buffer.concat([Buffer.from([0x10, 0x80, 0x80, 0x80, 0x60]), junk])));
    setTimeout(() => { s.destroy(); resolve(); }, 2000).unref();
  })));
}

/** Lost, duplicated and reordered entries of `got` against `want` (per lock, by event key). */
export function compare(want: string[], got: string[]): { lost: number; duplicated: number; reordered: number } {
  const count = (xs: string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
  const w = count(want);
  const g = count(got);
  let lost = 0;
  let duplicated = 0;
  for (const [k, n] of w) lost += Math.max(0, n - (g.get(k) ?? 0));
  for (const [k, n] of g) duplicated += Math.max(0, n - (w.get(k) ?? 0));
  // Order: the first copies of what was delivered, against the delivered subsequence of what happened.
  const seen = new Map<string, number>();
  const firsts = got.filter((k) => {
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    return n <= (w.get(k) ?? 0);
  });
  const left = new Map(count(firsts));
  const expected = want.filter((k) => {
    const n = left.get(k) ?? 0;
    if (n > 0) left.set(k, n - 1);
    return n > 0;
  });
  const reordered = firsts.filter((k, i) => k !== expected[i]).length;
  return { lost, duplicated, reordered };
}

export async function soak(opts: SoakOptions): Promise<SoakFigures> {
  const fixture = fleetFixture(LOCKS, GATEWAYS);
  for (const app of fixture.apps) app.push_url = 'sink';
  const world = await World.create(fixture, { ackTimeoutMs: 300, pushBackoffMs: 20, lockTimeoutMs: 200, compensation: { retryMs: 200, maxTries: 8 } });
  const { cloud, broker } = world;
  if (!cloud || !broker) throw new Error('soak: the world must run its own cloud and broker');
  const api = new JsonClient(world.urls.api, opts.clients);
  const figures: SoakFigures = {
    seconds: opts.seconds, clients: opts.clients, locks: LOCKS, gateways: GATEWAYS, apiCalls: 0, http5xx: 0, codes: {},
    faults: { offline: 0, partitioned: 0, crashed: 0, sinkFailures: 0 },
    pushes: { expectedUnlockLogs: 0, lost: 0, duplicated: 0, reordered: 0, gatewayBufferDropped: 0 },
    phantomPasswords: 0, lostPasswordWrites: 0, compensationsPending: 0, compensationsGivenUp: 0,
    forgedAcksSent: 0, forgedAcksAccepted: 0, forgedAcksDropped: 0, squatAttempts: 0, squatsAccepted: 0,
    hostile: { sockets: 64, announcedMbEach: 200, rssBeforeMb: 0, rssAfterMb: 0, cut: 0 },
  };
  // What the locks really did: every unlock event in order, keyed as its push will be (DESIGN §3.4 type 2).
  const happened = new Map<number, string[]>();
  let remoteOk = 0;
  for (const lock of world.locks.values()) {
    lock.onEvent((ev) => {
      if (ev.type !== 'unlock') return;
      if (ev.mode === 3 && ev.result === 1) remoteOk++;
      const key = `${ev.result}/${ev.uid}/${ev.mode}/${formatLocalTime(ev.lock_time, fixture.world.tz_offset_min)}`;
      happened.set(lock.lockId, [...(happened.get(lock.lockId) ?? []), key]);
    });
  }
  const forgerAp = GATEWAY_BASE;
  const gwSecret = (ap: number) => fixture.gateways.find((g) => g.ap_id === ap)!.secret;
  // A gateway with its own credentials that learns every other gateway's command ids (a leak) and acks them ok.
  const forger = await connectMqtt(world.urls.mqtt, { protocolVersion: 4, username: `gw:${forgerAp}`, password: gwSecret(forgerAp), clientId: 'soak-forger', reconnectPeriod: 0 });
  const acksForgedBefore = cloud.stats.acksForged;
  const untap = broker.onPublish((topic, payload) => {
    const t = parseGatewayTopic(topic);
    if (!t || t.kind !== 'cmd' || t.apId === forgerAp) return;
    const c = parseCommand(payload);
    if (!c.ok) return;
    figures.forgedAcksSent++;
    forger.publish(gatewayTopic(forgerAp, 'ack', ''), JSON.stringify({ id: c.value.id, lock_id: c.value.lock_id, result: 'ok', data: {} }), { qos: 1 });
  });

  try {
    figures.hostile.rssBeforeMb = rssMb();
    await hostilePreAuth(broker.port, figures.hostile.sockets);
    figures.hostile.rssAfterMb = rssMb();
    figures.hostile.cut = broker.stats.cutOversize;

    const stopAt = performance.now() + opts.seconds * 1000;
    const running = () => performance.now() < stopAt;
    let opens200 = 0;
    const call = async (path: string, fields: Record<string, unknown>): Promise<number> => {
      const body: Record<string, unknown> = { app_id: BENCH_APP.app_id, ...fields };
      body.sign = signBody(body, BENCH_APP.app_secret, world.clock.now());
      figures.apiCalls++;
      const r = await api.post(path, body).catch(() => ({ status: 599, json: null }));
      const code = (r.json as { code?: number } | null)?.code ?? -1;
      if (r.status >= 500 || code === 500) figures.http5xx++;
      figures.codes[`${path} ${code}`] = (figures.codes[`${path} ${code}`] ?? 0) + 1;
      return code;
    };
    const client = async (): Promise<void> => {
      while (running()) {
        const lock_id = LOCK_BASE + rand(LOCKS);
        const uid = 1 + rand(5);
        const p = rand(100);
        if (p < 30) {
          if ((await call('/third/lock/open', { lock_id, attach: '' })) === 200) opens200++;
        } else if (p < 55) await call('/third/v2/lock/pwd/get', { lock_id, uid, effective_at: world.clock.now(), expire: 86_400 });
        else if (p < 70) await call('/third/v2/lock/pwd/del', { lock_id, uid });
        else if (p < 90) await call('/third/lock/state/get', { lock_id });
        else await call('/third/lock/get', { lock_id });
      }
    };
    // Bluetooth unlocks at the locks: events that happen whether or not their gateway is up.
    const bluetooth = async (): Promise<void> => {
      for (let uid = 1; running(); uid++) {
        world.locks.get(LOCK_BASE + rand(LOCKS))!.bleUnlock(uid);
        await sleep(25);
      }
    };
    const chaos = async (): Promise<void> => {
      while (running()) {
        const ap = GATEWAY_BASE + 1 + rand(GATEWAYS - 1);
        const gw = world.gateways.get(ap)!;
        const kind = rand(3);
        if (kind === 0) { figures.faults.offline++; await gw.setOnline(false); }
        else if (kind === 1) { figures.faults.partitioned++; gw.partitioned = true; }
        else { figures.faults.crashed++; gw.kill(false); }
        // While it is down, another gateway tries to take its client id.
        figures.squatAttempts++;
        await connectMqtt(world.urls.mqtt, { protocolVersion: 4, username: `gw:${forgerAp}`, password: gwSecret(forgerAp), clientId: `gw-${ap}`, reconnectPeriod: 0, connectTimeout: 1000 })
          .then(async (c) => { figures.squatsAccepted++; await c.endAsync(true); }, () => undefined);
        if (rand(3) === 0) { figures.faults.sinkFailures += 2; world.sink.failDeliveries(2, 500); }
        await sleep(300 + rand(700));
        gw.partitioned = false;
        await gw.setOnline(true).catch(() => undefined);
        world.clock.advance(1);
        await sleep(100);
      }
    };
    await Promise.all([...Array.from({ length: opts.clients }, client), bluetooth(), chaos()]);

    // Every gateway back; compensations and pushes drain (bounded).
    for (const gw of world.gateways.values()) {
      gw.partitioned = false;
      await gw.setOnline(true).catch(() => undefined);
    }
    await drain('every gateway online', () => [...world.gateways.keys()].every((ap) => cloud.gatewayOnline(ap)), 5000);
    await drain('no compensation pending', () => cloud.pendingCompensations() === 0, 10_000);
    let last = -1;
    await drain('the sink to stop growing', () => {
      const n = world.sink.list().length;
      const stable = n === last;
      last = n;
      return stable && cloud.pendingCompensations() === 0;
    }, 15_000);
    await sleep(500);

    const got = new Map<number, string[]>();
    for (const p of world.sink.list()) {
      const b = p.body as { type: number; data: { lock_id: number; result: number; uid: number; mode: number; time: string } };
      if (b.type !== 2) continue;
      got.set(b.data.lock_id, [...(got.get(b.data.lock_id) ?? []), `${b.data.result}/${b.data.uid}/${b.data.mode}/${b.data.time}`]);
    }
    for (const [lockId, want] of happened) {
      const c = compare(want, got.get(lockId) ?? []);
      figures.pushes.expectedUnlockLogs += want.length;
      figures.pushes.lost += c.lost;
      figures.pushes.duplicated += c.duplicated;
      figures.pushes.reordered += c.reordered;
    }
    for (const gw of world.gateways.values()) figures.pushes.gatewayBufferDropped += gw.stats.eventsDropped;
    for (const lock of world.locks.values()) {
      const onLock = new Set(lock.storedPasswords().map((p) => p.uid));
      const inCloud = cloud.assignedPasswords(lock.lockId);
      for (const uid of onLock) if (!inCloud.has(uid)) figures.phantomPasswords++;
      for (const uid of inCloud.keys()) if (!onLock.has(uid)) figures.lostPasswordWrites++;
    }
    figures.compensationsPending = cloud.pendingCompensations();
    figures.compensationsGivenUp = cloud.stats.compensationsGivenUp;
    figures.forgedAcksDropped = cloud.stats.acksForged - acksForgedBefore;
    // An open answered 200 without the lock unlocking can only be a forged ack accepted.
    figures.forgedAcksAccepted = Math.max(0, opens200 - remoteOk);
    return figures;
  } finally {
    untap();
    await forger.endAsync(true);
    await api.close();
    await world.close();
  }
}
