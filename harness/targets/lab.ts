import { request as httpRequest } from 'undici';
import { postSigned } from '../client/signed.ts';
import { parseFixture } from '../../sim/world/fixture.ts';
import { World } from '../../sim/world/world.ts';
import type { ProfileName } from '../../sim/protocol/index.ts';
import type { DeviceInfo } from '../../sim/protocol/lockwire.ts';
import type { LockLink } from '../../sim/world/index.ts';
import type { WireLog } from '../client/wire-log.ts';
import { measureDrift, verdict } from '../serial/clock-accuracy.ts';
import type { SerialLink } from '../serial/serial-link.ts';
import { ControlClient } from './control-client.ts';
import { gatewaysFacet, pushesFacet } from './control-facets.ts';
import type { ClockAccuracy, Facets, TargetSession, TimeSyncKeys } from './facets.ts';
import { UNKNOWN_LOCK, type FleetRoles } from './fleet.ts';
import { LAB_CALL_MS, labConfig, type LabConfig } from './lab-config.ts';
import { labLink } from './lab-link.ts';
import { labLocks } from './lab-lock.ts';
import { settleLab } from './lab-settle.ts';
import { labStatePath, loadLabState, saveLabSeq } from './lab-state.ts';
import { worldSeed } from './preflight.ts';

const APP = { appId: 'app_lab', appSecret: 'a0cc195a3034c6de34c9dfccf765117b' };
const AP_ID = 1000002;
/** DESIGN §11: on `replay` the harness jumps this far ahead, once. */
const SEQ_JUMP = 2 ** 20;

/** The gateway's view of the worker's link: the world may close it without closing the port. */
function bridgeLink(link: SerialLink): LockLink {
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

/** The embedded cloud, broker and bridge for one device, its seqs starting at `seqStart`, world time frozen at `startS`. */
async function labWorld(profile: ProfileName, cfg: LabConfig, info: DeviceInfo, link: SerialLink, seqStart: number, startS: number): Promise<World> {
  const parsed = parseFixture({
    world: { start: startS },
    cloud: { profile },
    apps: [{ app_id: APP.appId, app_secret: APP.appSecret, corp_ids: [0], push_url: 'sink' }],
    gateways: [{ ap_id: AP_ID, secret: 'lab-bridge-secret', locks: [cfg.lockId] }],
    locks: [{ lock_id: cfg.lockId, mac: info.mac, secret_hex: cfg.secretHex, firmware_ver: info.firmware_ver, seq_start: seqStart }],
  });
  if (!parsed.ok) throw new Error(`lab: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return World.create(parsed.fixture, {
    profile, time: 'frozen', ackTimeoutMs: 2500, lockTimeoutMs: 2000, pushBackoffMs: 20, linkFor: (id) => (id === cfg.lockId ? bridgeLink(link) : undefined),
    seed: worldSeed(),
  });
}

/**
 * A lab bench (DESIGN §11): the embedded cloud and broker, a gateway whose radio is a lockwire link to
 * the device on LOCKBENCH_SERIAL, for the whole worker. The device keeps its state between tests, so
 * each test begins with `reset()` settling it through public ops; its clock runs on real time and is
 * moved only through time sync, with seqs that grow over the device's life (the state file).
 */
export class LabSession implements TargetSession {
  readonly name = 'lab';
  readonly app = APP;
  readonly roles: FleetRoles;
  /** The lock clock no longer matches world time; it is synced before the next use of the lock. */
  stale = true;
  /** The test took the lock's clock over (reset it): the harness does not sync it until the next test. */
  owned = false;
  /** LAB-05 is measuring: no harness sync meanwhile (DESIGN §11 "no time sync in between"). */
  measuring = false;
  /** The device's clock runs in real time (a frozen virtual lock's does not). */
  realTime = true;
  /** Measured serial round trip of the last sync, ms. */
  roundTripMs = 0;
  /** The running test's traffic log (set by `facets`): the harness's own API calls show in it too. */
  private wire: WireLog | undefined;

  private constructor(
    readonly world: World,
    readonly link: SerialLink,
    readonly cfg: LabConfig,
    readonly info: DeviceInfo,
    readonly profile: ProfileName,
    readonly statePath: string,
  ) {
    this.roles = { ids: { main: cfg.lockId, mainGateway: AP_ID }, unknown: UNKNOWN_LOCK, faces: [] };
  }

  static async start(profile: ProfileName): Promise<LabSession> {
    const cfg = labConfig(process.env);
    const statePath = labStatePath(process.env);
    const link = labLink(cfg, statePath);
    try {
      if (!(await link.whenOpen(5000))) throw new Error(`lab: cannot open serial port ${cfg.path}`);
      const info = await link.info(LAB_CALL_MS);
      if (!info.ok) throw new Error(`lab: the device on ${cfg.path} does not answer info (${info.result})`);
      if (info.info.lock_id !== cfg.lockId) throw new Error(`lab: the device on ${cfg.path} is lock ${info.info.lock_id}, not LOCKBENCH_LOCK_ID ${cfg.lockId}`);
      // The world starts at the host's now: the device runs on real time and will be synced to it.
      const startS = Math.floor(Date.now() / 1000);
      let seqStart = (loadLabState(statePath).lastSeq[cfg.lockId] ?? 0) + 1;
      for (let attempt = 0; ; attempt++) {
        const session = new LabSession(await labWorld(profile, cfg, info.info, link, seqStart, startS), link, cfg, info.info, profile, statePath);
        const first = session.info.caps.includes('time_sync') ? await session.trySync() : 'ok';
        if (first === 'ok') {
          await session.measureRunning();
          return session;
        }
        await session.world.close();
        if (first !== 'replay' || attempt === 1) {
          throw new Error(`lab: the device refused the harness's time sync at seq ${seqStart} (${first})${attempt === 1 ? ` after jumping ahead by ${SEQ_JUMP}` : ''}; its last seq is above every seq this harness issued (${statePath})`);
        }
        seqStart += SEQ_JUMP;
      }
    } catch (e) {
      await link.close();
      throw e;
    }
  }

  get apiUrl(): string {
    return this.world.urls.api;
  }

  /** World time for signing; first the lock is synced to it if the world moved, so the API sees a lock on world time. */
  async now(): Promise<number> {
    await this.syncLock();
    return this.world.clock.now();
  }

  /** Sync the lock's clock to world time if it moved (DESIGN §5.3 keys from the embedded cloud, `ble_time_sync`). */
  async syncLock(): Promise<void> {
    if (!this.stale || this.owned || this.measuring) return;
    const r = await this.trySync();
    if (r !== 'ok') throw new Error(`lab: the lock refused the harness's time sync: ${r}`);
  }

  private async trySync(): Promise<string> {
    const keys = await this.issueKeys();
    const t0 = performance.now();
    const r = await this.link.bleTimeSync(keys.seq, keys.key1, keys.key2, LAB_CALL_MS);
    this.roundTripMs = performance.now() - t0;
    if (r.result === 'ok') {
      this.recordSeq(keys.seq);
      this.stale = false;
    }
    return r.result === 'replay' ? 'replay' : r.result === 'ok' ? 'ok' : `${r.result} at seq ${keys.seq}`;
  }

  /** A seq reached the device: keep it in the state file so no later run goes below it. */
  recordSeq(seq: number): void {
    saveLabSeq(this.statePath, this.cfg.lockId, seq);
  }

  /** Whether the device clock moves in real time: read it 1.1 s apart (a whole-second clock running within 9 % of real time has turned). */
  private async measureRunning(): Promise<void> {
    if (!this.info.caps.includes('clock')) return;
    const first = await this.link.clockGet(LAB_CALL_MS);
    await new Promise((r) => setTimeout(r, 1100));
    const second = await this.link.clockGet(LAB_CALL_MS);
    if (!first.ok || !second.ok) throw new Error(`lab: clock_get answered ${first.ok ? '' : first.result} ${second.ok ? '' : second.result}`);
    this.realTime = second.lock_time > first.lock_time;
  }

  /**
   * LAB-05: the device clock against the host clock over `intervalMs` without a sync. Coarse polls
   * 50 ms apart keep it to about a hundred reads per edge, so the u8 request seqs do not come round
   * within seconds for a device that caches answers by seq (DESIGN §6).
   */
  private async clockAccuracy(intervalMs: number): Promise<ClockAccuracy> {
    const read = async (): Promise<number> => {
      const c = await this.link.clockGet(LAB_CALL_MS);
      if (!c.ok) throw new Error(`lab: clock_get answered ${c.result}`);
      return c.lock_time;
    };
    this.measuring = true;
    try {
      const m = await measureDrift(read, () => performance.now(), { intervalMs, pollMs: 50 });
      return { ...m, sentence: verdict(m, this.cfg.maxPpm).sentence };
    } finally {
      this.measuring = false;
    }
  }

  /** Time-sync keys from the embedded cloud at the current world time (a signed seq/get). */
  async issueKeys(): Promise<TimeSyncKeys> {
    return (await this.api('/third/lock/time_sync/seq/get', { lock_id: this.cfg.lockId })) as unknown as TimeSyncKeys;
  }

  /** A signed call to the embedded cloud that must answer 200. */
  async api(path: string, fields: Record<string, unknown>): Promise<Record<string, unknown> | null> {
    const to = { apiUrl: this.apiUrl, app: APP, now: () => this.world.clock.now(), timeoutMs: LAB_CALL_MS * 2, wire: this.wire };
    const { envelope, text } = await postSigned(to, path, fields);
    if (envelope?.code !== 200) throw new Error(`lab: ${path} answered ${text.slice(0, 300)}`);
    return envelope.data as Record<string, unknown> | null;
  }

  facets(wire: WireLog): Facets {
    this.wire = wire;
    const ctl = new ControlClient(this.world.urls.control, wire);
    const has = (cap: string) => this.info.caps.includes(cap);
    const move = (what: string, t: number) => {
      this.stale = true;
      wire.add('control', `lab clock ${what} → ${t}`, { time: t });
      return t;
    };
    const url = this.cfg.benchControl;
    const bench = async (path: string) => {
      const res = await httpRequest(`${url}${path}`, { method: 'POST', headersTimeout: 15000, bodyTimeout: 15000 });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`bench control ${path} answered ${res.statusCode}`);
    };
    return {
      ...(has('time_sync') ? {
        clock: {
          now: async () => this.world.clock.now(),
          advance: async (s: number) => move(`advance ${s}`, this.world.clock.advance(s)),
          set: async (t: number) => move('set', this.world.clock.set(t)),
        },
      } : {}),
      locks: labLocks(this, wire),
      gateways: gatewaysFacet(ctl),
      pushes: pushesFacet(ctl),
      serial: {
        ...(has('sim') ? {
          dropResponses: async (count: number) => {
            const a = await this.link.call('sim_drop_responses', { count }, LAB_CALL_MS);
            if (a.result !== 'ok') throw new Error(`lab: sim_drop_responses answered ${a.result}`);
          },
        } : {}),
        stats: () => this.link.stats,
        maxPpm: this.cfg.maxPpm,
        ...(has('clock') ? { clockAccuracy: (intervalMs: number) => this.clockAccuracy(intervalMs) } : {}),
      },
      ...(url ? { bench: { unplug: () => bench('/unplug'), replug: () => bench('/replug') } } : {}),
    };
  }

  // The device keeps its state between tests: each test draws from its own seed, so two tests are never handed the same "random" password.
  async reset(): Promise<void> {
    await settleLab(this);
    this.world.reseed(worldSeed());
  }

  worldNow(): number {
    return this.world.clock.now();
  }

  watch(wire: WireLog): () => void {
    // The lab world always runs the embedded broker.
    const offMqtt = this.world.broker!.onPublish((topic, payload) => {
      if (topic.startsWith('kexin/')) wire.add('mqtt', topic, payload.toString('utf8'));
    });
    const offSerial = this.link.onFrame((dir, hex, decoded) => wire.add('serial', `${dir} ${hex}`, decoded));
    return () => {
      offMqtt();
      offSerial();
    };
  }

  async close(): Promise<void> {
    await this.world.close();
    await this.link.close();
  }
}
