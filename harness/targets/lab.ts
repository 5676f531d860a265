import type { APIRequestContext } from '@playwright/test';
import { request as httpRequest } from 'undici';
import { parseFixture } from '../../sim/world/fixture.ts';
import { World } from '../../sim/world/world.ts';
import { worldSeed } from './preflight.ts';
import { signBody, tempPassword, type ProfileName } from '../../sim/protocol/index.ts';
import type { WireLog } from '../client/wire-log.ts';
import { SerialLink } from '../serial/serial-link.ts';
import type { LockLink } from '../../sim/gateway/link.ts';
import { capabilities, type Capability } from './capabilities.ts';
import { LabControl } from './lab-control.ts';
import type { FleetRoles } from './fleet.ts';
import type { TargetSession } from './session.ts';

const APP = { appId: 'app_lab', appSecret: 'a0cc195a3034c6de34c9dfccf765117b' };
const AP_ID = 1000002;
/** The next seq a session's cloud may start from, carried across the sessions of this worker. */
let nextSeq = 0;
/**
 * One serial link per worker, kept across sessions: the device answers a repeated lockwire seq from
 * its cache (DESIGN §6), so a fresh link restarting at seq 1 would get stale answers to its requests.
 */
let shared: { path: string; lockId: number; link: SerialLink } | undefined;

async function sharedLink(path: string, lockId: number): Promise<SerialLink> {
  if (shared && (shared.path !== path || shared.lockId !== lockId)) {
    await shared.link.close();
    shared = undefined;
  }
  shared ??= { path, lockId, link: new SerialLink({ path, lockId, retransmitMs: 300, tries: 3, reopenMs: 200 }) };
  return shared.link;
}

/** A session's view of the shared link: the world's gateway may close it without closing the port. */
function sessionLink(link: SerialLink): LockLink {
  const subscriptions = new Set<() => void>();
  return {
    lockId: link.lockId,
    request: (op, timeoutMs) => link.request(op, timeoutMs),
    onEvent(listener) {
      const off = link.onEvent(listener);
      subscriptions.add(off);
      return () => {
        off();
        subscriptions.delete(off);
      };
    },
    async close() {
      for (const off of subscriptions) off();
      subscriptions.clear();
    },
  };
}

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`--target lab needs ${name} (see README: LOCKBENCH_SERIAL, LOCKBENCH_LOCK_ID, LOCKBENCH_LOCK_SECRET)`);
  return v;
}

/**
 * The lock keeps its last time-sync seq across sessions while each session's embedded cloud starts
 * afresh, so seqs continue from where the previous session of this worker stopped. A worker's first
 * session starts from wall-clock seconds since 2020 × 8, so a bench lock kept across runs still sees
 * growing seqs (uint32 until 2036). Transport bookkeeping, not domain time.
 */
function nextSeqStart(): number {
  if (nextSeq === 0) nextSeq = (Math.floor(Date.now() / 1000) - 1_577_836_800) * 8;
  return nextSeq;
}

/**
 * A lab bench (DESIGN §9): the embedded cloud and broker, a gateway whose radio is a lockwire link to
 * the device on LOCKBENCH_SERIAL, and capabilities from the device's `info.caps`. The lock's clock is
 * moved through `ble_time_sync` to the world time a test needs, instead of a world clock.
 */
export class LabSession implements TargetSession {
  readonly name = 'lab';
  readonly app = APP;
  private stale = true;
  private owned = false;

  private constructor(
    readonly world: World,
    readonly link: SerialLink,
    readonly profile: ProfileName,
    readonly caps: ReturnType<typeof capabilities>,
    readonly fleet: FleetRoles,
  ) {}

  static async start(profile: ProfileName): Promise<LabSession> {
    const path = env('LOCKBENCH_SERIAL');
    const lockId = Number(env('LOCKBENCH_LOCK_ID'));
    const secretHex = env('LOCKBENCH_LOCK_SECRET');
    if (!Number.isInteger(lockId) || lockId < 1) throw new Error('LOCKBENCH_LOCK_ID must be a lock id (a positive integer)');
    if (!/^[0-9a-fA-F]{32}$/.test(secretHex)) throw new Error('LOCKBENCH_LOCK_SECRET must be 32 hex digits');
    const link = await sharedLink(path, lockId);
    if (!(await link.whenOpen(5000))) throw new Error(`lab: cannot open serial port ${path}`);
    const info = await link.info(3000);
    if (!info.ok) throw new Error(`lab: the device on ${path} does not answer info (${info.result})`);
    if (info.info.lock_id !== lockId) throw new Error(`lab: the device on ${path} is lock ${info.info.lock_id}, not LOCKBENCH_LOCK_ID ${lockId}`);
    const parsed = parseFixture({
      cloud: { profile },
      apps: [{ app_id: APP.appId, app_secret: APP.appSecret, corp_ids: [0], push_url: 'sink' }],
      gateways: [{ ap_id: AP_ID, secret: 'lab-bridge-secret', locks: [lockId] }],
      locks: [{ lock_id: lockId, mac: info.info.mac, secret_hex: secretHex, firmware_ver: info.info.firmware_ver, seq_start: nextSeqStart() }],
    });
    if (!parsed.ok) {
      throw new Error(`lab: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    }
    const world = await World.create(parsed.fixture, {
      profile, time: 'frozen', ackTimeoutMs: 2500, lockTimeoutMs: 2000, pushBackoffMs: 20, linkFor: (id) => (id === lockId ? sessionLink(link) : undefined), seed: worldSeed(),
    });
    const has = info.info.caps;
    const caps: Capability[] = ['gateway', 'push', 'sinkFaults'];
    if (has.includes('time_sync')) caps.push('clock', 'lockTime');
    if (has.includes('keypad')) caps.push('keypad');
    if (has.includes('ble')) caps.push('ble');
    if (has.includes('sim')) caps.push('serial', 'clockReset');
    if (process.env.LOCKBENCH_BENCH_CONTROL) caps.push('unplug');
    const fleet: FleetRoles = { main: lockId, mainGateway: AP_ID, mainSecretHex: secretHex.toLowerCase(), mainMac: info.info.mac, unknown: 3999999999 };
    const session = new LabSession(world, link, profile, capabilities(caps), fleet);
    try {
      if (has.includes('keypad') && has.includes('time_sync')) await session.settle();
    } catch (e) {
      await world.close();
      throw e;
    }
    return session;
  }

  get apiUrl(): string {
    return this.world.urls.api;
  }

  control(request: APIRequestContext, wire: WireLog): LabControl {
    return new LabControl(this, request, wire);
  }

  /** The test has taken the lock's clock over (reset it): the harness stops syncing it for this session. */
  takeClock(): void {
    this.owned = true;
  }

  /** The lock's clock no longer matches world time; it is synced before the next use of the lock. */
  markStale(stale: boolean): void {
    this.stale = stale;
  }

  /** Set the lock's clock to world time through the cloud's time-sync keys and `ble_time_sync`, if it moved. */
  async syncLock(): Promise<void> {
    if (!this.stale || this.owned) return;
    const keys = await this.issueKeys();
    const r = await this.link.bleTimeSync(keys.seq, keys.key1, keys.key2, 3000);
    if (r.result !== 'ok') throw new Error(`lab: the lock refused the harness's time sync (seq ${keys.seq}): ${r.result}`);
    this.stale = false;
  }

  /** Time-sync keys from the embedded cloud at the current world time (a signed seq/get). */
  private async issueKeys(): Promise<{ seq: number; key1: number; key2: number }> {
    const body: Record<string, unknown> = { app_id: APP.appId, lock_id: this.fleet.main! };
    body.sign = signBody(body, APP.appSecret, this.world.clock.now());
    const res = await httpRequest(`${this.apiUrl}/third/lock/time_sync/seq/get`, {
      method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, headersTimeout: 3000, bodyTimeout: 3000,
    });
    const env = (await res.body.json()) as { code: number; data: { seq: number; key1: number; key2: number } | null };
    if (env.code !== 200 || !env.data) throw new Error(`lab: time_sync/seq/get answered ${JSON.stringify(env)}`);
    nextSeq = Math.max(nextSeq, env.data.seq + 1);
    return env.data;
  }

  /**
   * A bench lock keeps its state between tests: end any keypad lockout and reset the wrong-code count
   * with a good code an hour ahead, come back to the session's start, and clear the pushes this caused.
   */
  private async settle(): Promise<void> {
    const w0 = this.world.clock.now();
    const secret = this.fleet.mainSecretHex!;
    this.world.clock.set(w0 + 3600);
    this.stale = true;
    await this.syncLock();
    const r = await this.link.keypad(tempPassword(secret, w0 + 3600), 3000);
    if (r !== 'ok') throw new Error(`lab: settling the lock, a valid code was answered ${r}`);
    this.world.clock.set(w0);
    this.stale = true;
    await this.syncLock();
    const deadline = performance.now() + 2000;
    while (!this.world.sink.list().some((p) => (p.body as { type?: number }).type === 2) && performance.now() < deadline) {
      await new Promise((res) => setTimeout(res, 20));
    }
    this.world.sink.clear();
  }

  worldNow(): number {
    return this.world.clock.now();
  }

  watchMqtt(wire: WireLog): () => void {
    const offMqtt = this.world.broker.onPublish((topic, payload) => {
      if (topic.startsWith('kexin/')) wire.add('mqtt', topic, payload.toString('utf8'));
    });
    const offSerial = this.link.onFrame((dir, hex, decoded) => wire.add('serial', `${dir} ${hex}`, decoded));
    return () => {
      offMqtt();
      offSerial();
    };
  }

  get serial() {
    if (!this.caps.serial) return undefined;
    return {
      dropResponses: async (count: number) => {
        const a = await this.link.call('sim_drop_responses', { count }, 3000);
        if (a.result !== 'ok') throw new Error(`lab: sim_drop_responses answered ${a.result}`);
      },
      stats: () => this.link.stats,
    };
  }

  get bench() {
    const url = process.env.LOCKBENCH_BENCH_CONTROL;
    if (!url) return undefined;
    const call = async (path: string) => {
      const res = await httpRequest(`${url}${path}`, { method: 'POST', headersTimeout: 15000, bodyTimeout: 15000 });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`bench control ${path} answered ${res.statusCode}`);
    };
    return { unplug: () => call('/unplug'), replug: () => call('/replug') };
  }

  async close(): Promise<void> {
    // Note the cloud's last seq so the next session continues above it (the lock remembers it).
    await this.issueKeys().catch(() => undefined);
    await this.world.close();
  }
}
