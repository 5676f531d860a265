import { request as httpRequest } from 'undici';
import { postSigned } from '../../client/signed.ts';
import { parseFixture, World, type LockLink } from '../../../sim/world/index.ts';
import type { ProfileName } from '../../../sim/protocol/index.ts';
import type { DeviceInfo } from '../../../sim/protocol/lockwire.ts';
import { WireLog } from '../../client/wire-log.ts';
import { measureDrift, verdict } from '../../serial/clock-accuracy.ts';
import type { SerialLink } from '../../serial/serial-link.ts';
import { ControlClient } from '../core/control-client.ts';
import { gatewaysFacet, pushesFacet } from '../core/control-facets.ts';
import type { ClockAccuracy, Facets, TargetSession, TimeSyncKeys } from '../core/facets.ts';
import { UNKNOWN_LOCK, type FleetRoles } from '../core/fleet.ts';
import { LAB_CALL_MS, labConfig, type LabConfig } from './config.ts';
import { labLink } from './link.ts';
import { LabClock } from './clock.ts';
import { labLocks } from './lock.ts';
import { deviceResync } from './resync.ts';
import { settleLab } from './settle.ts';
import { LabState, labStatePath } from './state.ts';
import { worldSeed } from '../core/preflight.ts';

const APP = { appId: 'app_lab', appSecret: 'a0cc195a3034c6de34c9dfccf765117b' };
const AP_ID = 1000002;
/** DESIGN §11: on `replay` the harness jumps this far ahead, once. */
const SEQ_JUMP = 2 ** 20;

/**
 * The gateway's view of the worker's link: the world may close it without closing the port. Before a
 * gateway op reaches the device its clock is synced to world time if the world moved (DESIGN §11: the
 * lock is used on world time), and lock times it answers are noted (they bound a lockout's end).
 */
function bridgeLink(link: SerialLink, clock: () => LabClock | undefined): LockLink {
  const subscriptions = new Set<() => void>();
  return {
    lockId: link.lockId,
    flowControl: link.flowControl,
    async request(op, timeoutMs) {
      await clock()?.sync();
      const a = await link.request(op, timeoutMs);
      if (typeof a.data.lock_time === 'number') clock()?.noteLockTime(a.data.lock_time);
      return a;
    },
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
async function labWorld(profile: ProfileName, cfg: LabConfig, info: DeviceInfo, link: LockLink, seqStart: number, startS: number): Promise<World> {
  const parsed = parseFixture({
    world: { start: startS },
    cloud: { profile },
    apps: [{ app_id: APP.appId, app_secret: APP.appSecret, corp_ids: [0], push_url: 'sink' }],
    gateways: [{ ap_id: AP_ID, secret: 'lab-bridge-secret', locks: [cfg.lockId] }],
    locks: [{ lock_id: cfg.lockId, mac: info.mac, secret_hex: cfg.secretHex, firmware_ver: info.firmware_ver, seq_start: seqStart }],
  });
  if (!parsed.ok) throw new Error(`lab: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return World.create(parsed.fixture, {
    profile, time: 'frozen', ackTimeoutMs: 2500, lockTimeoutMs: 2000, pushBackoffMs: 20, linkFor: (id) => (id === cfg.lockId ? link : undefined),
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
  readonly clock: LabClock;
  /** The running test's traffic log (set by `facets`); settling writes to its own (shown when it fails). */
  private wire: WireLog | undefined;

  private constructor(
    readonly world: World,
    readonly link: SerialLink,
    readonly cfg: LabConfig,
    readonly info: DeviceInfo,
    readonly profile: ProfileName,
    state: LabState,
  ) {
    this.roles = { ids: { main: cfg.lockId, mainGateway: AP_ID }, unknown: UNKNOWN_LOCK, faces: [] };
    this.clock = new LabClock({
      world: world.clock, link, lockId: cfg.lockId, caps: info.caps, state, callMs: LAB_CALL_MS,
      issueKeys: async () => (await this.api('/third/lock/time_sync/seq/get', { lock_id: cfg.lockId })) as unknown as TimeSyncKeys,
    });
    link.onEvent((ev) => {
      if (ev.type === 'unlock') this.clock.noteLockTime(Math.floor(ev.lock_time));
    });
  }

  static async start(profile: ProfileName): Promise<LabSession> {
    const cfg = labConfig(process.env);
    const state = new LabState(labStatePath(process.env));
    const link = labLink(cfg, state);
    try {
      if (!(await link.whenOpen(5000))) throw new Error(`lab: cannot open serial port ${cfg.path}`);
      const info = await link.info(LAB_CALL_MS);
      if (!info.ok) throw new Error(`lab: the device on ${cfg.path} does not answer info (${info.result})`);
      if (info.info.lock_id !== cfg.lockId) throw new Error(`lab: the device on ${cfg.path} is lock ${info.info.lock_id}, not LOCKBENCH_LOCK_ID ${cfg.lockId}`);
      // The world starts at the host's now: the device runs on real time and will be synced to it.
      const startS = Math.floor(Date.now() / 1000);
      let seqStart = state.lastSeq(cfg.lockId) + 1;
      for (let attempt = 0; ; attempt++) {
        let session: LabSession | undefined;
        const world = await labWorld(profile, cfg, info.info, bridgeLink(link, () => session?.clock), seqStart, startS);
        session = new LabSession(world, link, cfg, info.info, profile, state);
        const first = session.info.caps.includes('time_sync') ? await session.clock.trySync() : 'ok';
        if (first === 'ok') {
          await session.clock.measureRunning();
          return session;
        }
        await session.world.close();
        if (first !== 'replay' || attempt === 1) {
          throw new Error(`lab: the device refused the harness's time sync at seq ${seqStart} (${first})${attempt === 1 ? ` after jumping ahead by ${SEQ_JUMP}` : ''}; its last seq is above every seq this harness issued (${state.path})`);
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

  /** World time for signing. No side effect: the lock is synced before its next use, not here. */
  async now(): Promise<number> {
    return this.clock.now();
  }

  /**
   * LAB-05: the device clock against the host clock over `intervalMs` without a sync. Polls 50 ms
   * apart through `clockTime` (DESIGN §6: never the same seq and bytes twice, no seq within 10 s).
   */
  private async clockAccuracy(intervalMs: number): Promise<ClockAccuracy> {
    const read = async (): Promise<number> => this.clock.time();
    const m = await this.clock.measure(() => measureDrift(read, () => performance.now(), { intervalMs, pollMs: 50 }));
    return { ...m, sentence: verdict(m, this.cfg.maxPpm).sentence };
  }

  /** A signed call to the embedded cloud that must answer 200, recorded in `wire` (the running test's log by default). */
  async api(path: string, fields: Record<string, unknown>, wire: WireLog | undefined = this.wire): Promise<Record<string, unknown> | null> {
    const to = { apiUrl: this.apiUrl, app: APP, now: () => this.world.clock.now(), timeoutMs: LAB_CALL_MS * 2, wire };
    const { envelope, text } = await postSigned(to, path, fields);
    if (envelope?.code !== 200) throw new Error(`lab: ${path} answered ${text.slice(0, 300)}`);
    return envelope.data as Record<string, unknown> | null;
  }

  facets(wire: WireLog): Facets {
    this.wire = wire;
    const ctl = new ControlClient(this.world.urls.control, wire);
    const has = (cap: string) => this.info.caps.includes(cap);
    const move = (what: string, t: number) => {
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
          now: async () => this.clock.now(),
          advance: async (s: number) => move(`advance ${s}`, this.clock.advance(s)),
          set: async (t: number) => move('set', this.clock.set(t)),
        },
      } : {}),
      locks: labLocks({ clock: this.clock, link: this.link, cfg: this.cfg, mac: this.info.mac, caps: this.info.caps, callMs: LAB_CALL_MS }, wire),
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
        resync: () => deviceResync(this.link, this.cfg.lockId, LAB_CALL_MS),
        deviceFaults: () => this.link.deviceFaults,
        ...(has('clock') ? { clockAccuracy: (intervalMs: number) => this.clockAccuracy(intervalMs) } : {}),
      },
      ...(url ? { bench: { unplug: () => bench('/unplug'), replug: () => bench('/replug') } } : {}),
    };
  }

  /**
   * Settle the device before a test (DESIGN §11) with its traffic in a log of its own, shown when it
   * fails; each test then draws from its own seed, so two tests are never handed the same "random" password.
   */
  async reset(): Promise<void> {
    const log = new WireLog();
    log.useWorldClock(() => this.world.clock.now());
    const offSerial = this.link.onFrame((dir, hex, decoded) => log.add('serial', `${dir} ${hex}`, decoded));
    try {
      await settleLab({
        clock: this.clock, caps: this.info.caps, lockout: this.cfg.lockout, secretHex: this.cfg.secretHex, lockId: this.cfg.lockId,
        keypad: (code) => this.link.keypad(code, LAB_CALL_MS),
        clearFaults: () => this.world.clearFaults(),
        api: (path, fields) => this.api(path, fields, log),
        pushesOfType: (type) => this.world.sink.list().filter((p) => (p.body as { type?: number }).type === type).length,
        clearPushes: () => this.world.sink.reset(),
        deviceFaults: () => this.link.deviceFaults,
      });
    } catch (e) {
      const tail = log.entries.slice(-40).map((x) => `  ${x.ms.toFixed(0)} ms ${x.kind} ${x.summary}`).join('\n');
      throw new Error(`${(e as Error).message}\nsettle traffic (last ${Math.min(40, log.entries.length)} of ${log.entries.length}):\n${tail}`);
    } finally {
      offSerial();
    }
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
