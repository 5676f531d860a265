/**
 * The soak's load and faults (bench/soak.ts): N API clients making mixed calls, Bluetooth unlocks at the
 * locks, and chaos on every gateway but the first — offline, partitioned or crashed in turn, with a
 * squatter trying the downed gateway's client id and the push sink failing now and then.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { signBody } from '../sim/protocol/index.ts';
import { connectMqtt } from '../sim/io/index.ts';
import type { World } from '../sim/world/world.ts';
import { BENCH_APP, GATEWAY_BASE, LOCK_BASE } from './fleet-fixture.ts';
import type { JsonClient } from './load.ts';

export interface TrafficFigures {
  apiCalls: number; http5xx: number; codes: Record<string, number>;
  faults: { offline: number; partitioned: number; crashed: number; sinkFailures: number };
  squatAttempts: number; squatsAccepted: number;
  /** Opens answered 200: each must be a lock that really unlocked (else a forged ack was accepted). */
  opens200: number;
}

export interface TrafficOptions {
  seconds: number;
  clients: number;
  locks: number;
  gateways: number;
  /** A gateway's own credentials, used to squat the client ids of downed gateways. */
  squatter: { apId: number; secret: string };
}

const rand = (n: number): number => Math.floor(Math.random() * n);

export async function traffic(world: World, api: JsonClient, o: TrafficOptions): Promise<TrafficFigures> {
  const f: TrafficFigures = {
    apiCalls: 0, http5xx: 0, codes: {}, faults: { offline: 0, partitioned: 0, crashed: 0, sinkFailures: 0 }, squatAttempts: 0, squatsAccepted: 0, opens200: 0,
  };
  const stopAt = performance.now() + o.seconds * 1000;
  const running = (): boolean => performance.now() < stopAt;
  const call = async (path: string, fields: Record<string, unknown>): Promise<number> => {
    const body: Record<string, unknown> = { app_id: BENCH_APP.app_id, ...fields };
    body.sign = signBody(body, BENCH_APP.app_secret, world.clock.now());
    f.apiCalls++;
    const r = await api.post(path, body).catch(() => ({ status: 599, json: null }));
    const code = (r.json as { code?: number } | null)?.code ?? -1;
    if (r.status >= 500 || code === 500) f.http5xx++;
    f.codes[`${path} ${code}`] = (f.codes[`${path} ${code}`] ?? 0) + 1;
    return code;
  };
  const client = async (): Promise<void> => {
    while (running()) {
      const lock_id = LOCK_BASE + rand(o.locks);
      const uid = 1 + rand(5);
      const p = rand(100);
      if (p < 30) {
        if ((await call('/third/lock/open', { lock_id, attach: '' })) === 200) f.opens200++;
      } else if (p < 55) await call('/third/v2/lock/pwd/get', { lock_id, uid, effective_at: world.clock.now(), expire: 86_400 });
      else if (p < 70) await call('/third/v2/lock/pwd/del', { lock_id, uid });
      else if (p < 90) await call('/third/lock/state/get', { lock_id });
      else await call('/third/lock/get', { lock_id });
    }
  };
  // Bluetooth unlocks at the locks: events that happen whether or not their gateway is up.
  const bluetooth = async (): Promise<void> => {
    for (let uid = 1; running(); uid++) {
      world.locks.get(LOCK_BASE + rand(o.locks))!.bleUnlock(uid);
      await sleep(25);
    }
  };
  const chaos = async (): Promise<void> => {
    while (running()) {
      const ap = GATEWAY_BASE + 1 + rand(o.gateways - 1);
      const gw = world.gateways.get(ap)!;
      const kind = rand(3);
      if (kind === 0) { f.faults.offline++; await gw.setOnline(false); }
      else if (kind === 1) { f.faults.partitioned++; gw.partitioned = true; }
      else { f.faults.crashed++; gw.kill(false); }
      // While it is down, another gateway tries to take its client id.
      f.squatAttempts++;
      await connectMqtt(world.urls.mqtt, { protocolVersion: 4, username: `gw:${o.squatter.apId}`, password: o.squatter.secret, clientId: `gw-${ap}`, reconnectPeriod: 0, connectTimeout: 1000 })
        .then(async (c) => { f.squatsAccepted++; await c.endAsync(true); }, () => undefined);
      if (rand(3) === 0) { f.faults.sinkFailures += 2; world.sink.failDeliveries(2, 500); }
      await sleep(300 + rand(700));
      gw.partitioned = false;
      await gw.setOnline(true).catch(() => undefined);
      world.clock.advance(1);
      await sleep(100);
    }
  };
  await Promise.all([...Array.from({ length: o.clients }, client), bluetooth(), chaos()]);
  return f;
}
