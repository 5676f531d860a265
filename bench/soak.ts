/**
 * `npm run bench -- --soak [--seconds T] [--clients N]`: a soak and fault campaign on loopback, whose figures
 * are its report's losses (`pushes.lost`, `lostPasswordWrites`, …). First the hostile phases
 * (`soak-hostile.ts`): sockets announcing huge CONNECTs, a gateway's storm of out-of-contract events, a
 * stranger's flood of refused CONNECTs; then a burst of events on a live uplink (`soak-burst.ts`) and N
 * clients' mixed API calls for T seconds while gateways go offline, crash and are partitioned, the push sink
 * fails, a gateway forges acks for others' commands, another squats client ids (`soak-traffic.ts`), all
 * under fault rates set on the control API (`soak-rates.ts`: 10 % of commands dropped, 20 ± 15 ms latency,
 * 5 % of pushes and radio requests failed).
 * Afterwards lock and cloud state are compared and pushes counted against what the locks really did.
 * Zero losses (outage drops aside, counted), zero forgeries or squats accepted, bounded records: the target.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { formatLocalTime } from '../sim/cloud/events.ts';
import { gatewayTopic, parseCommand, parseGatewayTopic, signBody } from '../sim/protocol/index.ts';
import { World } from '../sim/world/world.ts';
import type { ReceivedPush } from '../sim/world/push-sink.ts';
import type { Broker } from '../sim/broker/broker.ts';
import type { Cloud } from '../sim/cloud/index.ts';
import { connectMqtt, waitUntil } from '../sim/io/index.ts';
import { BENCH_APP, GATEWAY_BASE, LOCK_BASE, fleetFixture } from './fleet-fixture.ts';
import { JsonClient } from './load.ts';
import { compare } from './soak-compare.ts';
import { burstFigures, fireBurst, type BurstFigures } from './soak-burst.ts';
import { extremeStorm, hostilePreAuth, strangerPhase, type HostileFigures, type StormFigures, type StrangerFigures } from './soak-hostile.ts';
import { traffic, type TrafficFigures } from './soak-traffic.ts';
import { rateFigures, ratesOff, ratesOn, type RateFigures } from './soak-rates.ts';

/** Soak knobs; every figure it reports comes back in `SoakFigures`. */
export interface SoakOptions {
  /** Seconds of load and faults; default 20. */
  seconds: number;
  /** Concurrent API clients; default 8. */
  clients: number;
}

export interface SoakFigures extends Omit<TrafficFigures, 'opens200'> {
  seconds: number; clients: number; locks: number; gateways: number;
  /**
   * `givenUp`: pushes of any type the cloud stopped trying after DESIGN §3.4's 3 attempts (the sink refusing at its
   * rate three times in a row) — the contract's own limit; a `lost` unlock beyond `givenUp` is the simulator's fault.
   */
  pushes: { expectedUnlockLogs: number; lost: number; duplicated: number; reordered: number; gatewayBufferDropped: number; givenUp: number };
  phantomPasswords: number; lostPasswordWrites: number; compensationsPending: number; compensationsGivenUp: number;
  forgedAcksSent: number; forgedAcksAccepted: number; forgedAcksDropped: number;
  hostile: HostileFigures;
  extremeStorm: StormFigures;
  strangers: StrangerFigures;
  liveBurst: BurstFigures;
  /** What the fault rates (soak-rates.ts) injected during the load. */
  rates: RateFigures;
  /** The world's journal after the campaign: entries kept (at most its capacity) and pushed out. */
  journal: { kept: number; capacity: number; dropped: number };
}

const LOCKS = 40;
const GATEWAYS = 8;
/** Refused CONNECTs of the stranger phase (the probe: 20,000 made /stats 40 MB before the bound). */
const STRANGER_CONNECTS = 20_000;
/** Rounds of the extreme-value storm (17 bodies each). */
const STORM_ROUNDS = 100;
/** Events of the live burst: more than a gateway's queue bound (1,000). */
const BURST_EVENTS = 2048;

/** A bounded drain; one that does not finish is not an error here: it shows in the figures (lost, pending). */
function drain(what: string, cond: () => boolean, timeoutMs: number): Promise<unknown> {
  return waitUntil(what, cond, { timeoutMs, intervalMs: 20 }).catch(() => undefined);
}

/** What the locks really did: every unlock event in order, keyed as its push will be (DESIGN §3.4 type 2). */
function recordUnlocks(world: World, tzOffsetMin: number): { happened: Map<number, string[]>; remoteOk: () => number } {
  const happened = new Map<number, string[]>();
  let remoteOk = 0;
  for (const lock of world.locks.values()) {
    lock.onEvent((ev) => {
      if (ev.type !== 'unlock') return;
      if (ev.mode === 3 && ev.result === 1) remoteOk++;
      const key = `${ev.result}/${ev.uid}/${ev.mode}/${formatLocalTime(ev.lock_time, tzOffsetMin)}`;
      const list = happened.get(lock.lockId);
      if (list) list.push(key);
      else happened.set(lock.lockId, [key]);
    });
  }
  return { happened, remoteOk: () => remoteOk };
}

/** A gateway with its own credentials that learns every other gateway's command ids (a leak) and acks them ok. */
async function startForger(world: World, broker: Broker, apId: number, secret: string): Promise<{ sent: () => number; stop: () => Promise<void> }> {
  const forger = await connectMqtt(world.urls.mqtt, { protocolVersion: 4, username: `gw:${apId}`, password: secret, clientId: 'soak-forger', reconnectPeriod: 0 });
  let sent = 0;
  const untap = broker.onPublish((topic, payload) => {
    const t = parseGatewayTopic(topic);
    if (!t || t.kind !== 'cmd' || t.apId === apId) return;
    const c = parseCommand(payload);
    if (!c.ok) return;
    sent++;
    forger.publish(gatewayTopic(apId, 'ack', ''), JSON.stringify({ id: c.value.id, lock_id: c.value.lock_id, result: 'ok', data: {} }), { qos: 1 });
  });
  return {
    sent: () => sent,
    stop: async () => {
      untap();
      await forger.endAsync(true);
    },
  };
}

/** Every gateway back; compensations and pushes drain (bounded). */
async function settle(world: World, cloud: Cloud): Promise<void> {
  for (const gw of world.gateways.values()) {
    gw.partitioned = false;
    await gw.setOnline(true).catch(() => undefined);
  }
  await drain('every gateway online', () => [...world.gateways.keys()].every((ap) => cloud.gatewayOnline(ap)), 5000);
  await drain('no compensation pending', () => cloud.pendingCompensations() === 0, 10_000);
  let last = -1;
  await drain('the sink to stop growing', () => {
    // Counted, not listed: the list stops growing at its capacity while pushes still arrive.
    const n = world.sink.stats.received;
    const stable = n === last;
    last = n;
    return stable && cloud.pendingCompensations() === 0;
  }, 15_000);
  await sleep(500);
}

/** The pushes against what happened (lost, duplicated, reordered), and what the gateways' buffers dropped. */
function pushFigures(world: World, cloud: Cloud, pushes: readonly ReceivedPush[], happened: Map<number, string[]>): SoakFigures['pushes'] {
  const figures = { expectedUnlockLogs: 0, lost: 0, duplicated: 0, reordered: 0, gatewayBufferDropped: 0, givenUp: cloud.stats.pushFailures };
  const got = new Map<number, string[]>();
  for (const p of pushes) {
    const b = p.body as { type: number; data: { lock_id: number; result: number; uid: number; mode: number; time: string } };
    if (b.type !== 2) continue;
    got.set(b.data.lock_id, [...(got.get(b.data.lock_id) ?? []), `${b.data.result}/${b.data.uid}/${b.data.mode}/${b.data.time}`]);
  }
  for (const [lockId, want] of happened) {
    const c = compare(want, got.get(lockId) ?? []);
    figures.expectedUnlockLogs += want.length;
    figures.lost += c.lost;
    figures.duplicated += c.duplicated;
    figures.reordered += c.reordered;
  }
  for (const gw of world.gateways.values()) figures.gatewayBufferDropped += gw.stats.eventsDropped;
  return figures;
}

/** User passwords a lock holds that the cloud does not know (phantoms), and the reverse (lost writes). */
function passwordFigures(world: World, cloud: Cloud): { phantomPasswords: number; lostPasswordWrites: number } {
  let phantomPasswords = 0;
  let lostPasswordWrites = 0;
  for (const lock of world.locks.values()) {
    const onLock = new Set(lock.storedPasswords().map((p) => p.uid));
    const inCloud = cloud.assignedPasswords(lock.lockId);
    for (const uid of onLock) if (!inCloud.has(uid)) phantomPasswords++;
    for (const uid of inCloud.keys()) if (!onLock.has(uid)) lostPasswordWrites++;
  }
  return { phantomPasswords, lostPasswordWrites };
}

export async function soak(opts: SoakOptions): Promise<SoakFigures> {
  const fixture = fleetFixture(LOCKS, GATEWAYS);
  for (const app of fixture.apps) app.push_url = 'sink';
  const world = await World.create(fixture, { ackTimeoutMs: 300, pushBackoffMs: 20, lockTimeoutMs: 200, compensation: { retryMs: 200, maxTries: 8 } });
  const { cloud, broker } = world;
  if (!cloud || !broker) throw new Error('soak: the world must run its own cloud and broker');
  const api = new JsonClient(world.urls.api, opts.clients);
  const unlocks = recordUnlocks(world, fixture.world.tz_offset_min);
  // Every push as it arrives: the sink's list keeps the newest 10,000, fewer than a long soak makes.
  const pushes: ReceivedPush[] = [];
  const stopTap = world.sink.onPush((p) => void pushes.push(p));
  // The first gateway is never taken down: the forger, the storm and the burst's lock are its.
  const firstAp = GATEWAY_BASE;
  const gwSecret = (ap: number): string => fixture.gateways.find((g) => g.ap_id === ap)!.secret;
  const acksForgedBefore = cloud.stats.acksForged;
  const forger = await startForger(world, broker, firstAp, gwSecret(firstAp));
  const serving = async (): Promise<boolean> => {
    const body: Record<string, unknown> = { app_id: BENCH_APP.app_id, lock_id: LOCK_BASE };
    body.sign = signBody(body, BENCH_APP.app_secret, world.clock.now());
    const r = await api.post('/third/lock/get', body).catch(() => ({ status: 599, json: null }));
    return r.status === 200 && (r.json as { code?: number } | null)?.code === 200;
  };

  try {
    const hostile = await hostilePreAuth(world);
    const storm = await extremeStorm(world, firstAp, gwSecret(firstAp), LOCK_BASE, STORM_ROUNDS, serving);
    const strangers = await strangerPhase(world, firstAp, STRANGER_CONNECTS);
    // LOCK_BASE is behind the first gateway (fleet-fixture spreads locks round-robin), whose uplink stays up.
    fireBurst(world, LOCK_BASE, BURST_EVENTS);
    await ratesOn(world);
    const load = await traffic(world, api, { seconds: opts.seconds, clients: opts.clients, locks: LOCKS, gateways: GATEWAYS, squatter: { apId: firstAp, secret: gwSecret(firstAp) } });
    await ratesOff(world);
    const rates = await rateFigures(world);
    await settle(world, cloud);
    const { opens200, ...loadFigures } = load;
    return {
      seconds: opts.seconds, clients: opts.clients, locks: LOCKS, gateways: GATEWAYS, ...loadFigures,
      pushes: pushFigures(world, cloud, pushes, unlocks.happened),
      ...passwordFigures(world, cloud),
      compensationsPending: cloud.pendingCompensations(), compensationsGivenUp: cloud.stats.compensationsGivenUp,
      forgedAcksSent: forger.sent(), forgedAcksDropped: cloud.stats.acksForged - acksForgedBefore,
      // An open answered 200 without the lock unlocking can only be a forged ack accepted.
      forgedAcksAccepted: Math.max(0, opens200 - unlocks.remoteOk()),
      hostile, extremeStorm: storm, strangers, liveBurst: burstFigures(pushes, world, LOCK_BASE, firstAp, BURST_EVENTS), rates,
      journal: { kept: world.journal.size, capacity: world.journal.capacity, dropped: world.journal.dropped },
    };
  } finally {
    stopTap();
    await forger.stop();
    await api.close();
    await world.close();
  }
}
