import { Agent } from 'undici';
import { waitUntil } from '../../../sim/io/index.ts';
import { LOCK_DEFAULTS, wireOf, type ProfileName } from '../../../sim/protocol/index.ts';
import { postSigned } from '../../client/signed.ts';
import { WireLog } from '../../client/wire-log.ts';
import { ControlClient } from '../core/control-client.ts';
import { pushesFacet } from '../core/control-facets.ts';
import { withParts, type Facets, type LockHandle, type LockPart, type TargetSession } from '../core/facets.ts';
import { UNKNOWN_LOCK, type FleetRoles, type LockRole } from '../core/fleet.ts';
import { HOST_ENV, type GatewayHostInfo } from './host.ts';
import { linkFacet } from '../core/gateway-link.ts';
import { codeParts } from '../core/lock-codes.ts';

const agent = new Agent({ keepAliveTimeout: 10_000, connections: 4 });

/**
 * The `gateway` target in a worker (DESIGN §12): the world runs in the runner process for the whole
 * run (`host.ts`); this session reaches it through its API and control URLs. The gateway and
 * its locks are real and on real time: no clock, no lock knobs, no gateway knobs — pushes (our own
 * sink) and the harness's levers (`link`) only. Between tests: the cloud's state and the pushes are
 * reset without touching the broker, the gateway is waited for if it is away, and every lock is
 * settled through the API (`v2/lock/pwd/del` uid 0).
 */
export class GatewaySession implements TargetSession {
  readonly name = 'gateway';
  readonly roles: FleetRoles;
  readonly app: { appId: string; appSecret: string };
  private readonly quiet: ControlClient;

  constructor(readonly profile: ProfileName, private readonly host: GatewayHostInfo) {
    this.app = { appId: host.appId, appSecret: host.appSecret };
    const [main, sibling] = host.lockIds;
    this.roles = { ids: { main, ...(sibling ? { sibling } : {}), mainGateway: host.apId }, unknown: UNKNOWN_LOCK, faces: [] };
    // The harness's own settling is not part of any test's wire log.
    this.quiet = new ControlClient(host.control, new WireLog());
  }

  /** The host's settings, put in the environment by the run's global setup. */
  static start(profile: ProfileName): GatewaySession {
    const raw = process.env[HOST_ENV];
    if (!raw) throw new Error(`--target gateway: ${HOST_ENV} is not set — the run's global setup starts the gateway host (npm run conformance -- --target gateway)`);
    return new GatewaySession(profile, JSON.parse(raw) as GatewayHostInfo);
  }

  get apiUrl(): string {
    return this.host.api;
  }

  // The world follows the host's real time (DESIGN §12); signatures are checked against it.
  async now(): Promise<number> {
    return Date.now() / 1000;
  }

  facets(wire: WireLog): Facets {
    const ctl = new ControlClient(this.host.control, wire);
    const secret = this.host.lockSecretHex;
    const handle = (role: LockRole, id: number | undefined): LockHandle | undefined => {
      if (id === undefined) return undefined;
      const base = { id, role, realTime: true, lockout: LOCK_DEFAULTS.lockout };
      // Only main's secret is known (LOCKBENCH_LOCK_SECRET): its codes can be computed, the others' not.
      if (id !== this.roles.ids.main) return base;
      return { ...base, secretHex: secret, ...codeParts(secret) };
    };
    return {
      locks: { find: <P extends LockPart>(role: LockRole, ...parts: P[]) => withParts(role, handle(role, this.roles.ids[role]), parts) },
      // The cloud is ours, the gateway is not: what it has not sent yet is invisible (settled() keeps a window first).
      pushes: pushesFacet(ctl, { coversSenders: () => false }),
      link: linkFacet(ctl, { ackTimeoutMs: this.host.ackTimeoutMs, reconnectWaitMs: this.host.waitS * 1000, simulated: false }),
    };
  }

  /**
   * DESIGN §12 between tests: in-flight commands finish and the cloud forgets (`POST /reset`), the
   * gateway is back (bounded by LOCKBENCH_GATEWAY_WAIT_S: one that vanished failed its own test),
   * each lock's user passwords are deleted through the API, and the pushes this caused are cleared.
   */
  async reset(): Promise<void> {
    await this.quiet.call('POST', '/reset');
    await this.waitOnline();
    for (const lockId of this.host.lockIds) {
      const code = await this.signed('/third/v2/lock/pwd/del', { lock_id: lockId, uid: 0 });
      if (code !== wireOf(this.profile, 'ok').code) {
        throw new Error(`gateway target: settling lock ${lockId} (v2/lock/pwd/del uid 0) answered ${code}; the lock still holds the last test's user passwords`);
      }
    }
    await this.quiet.call('DELETE', '/push');
  }

  private async waitOnline(): Promise<void> {
    const online = async (): Promise<boolean> => (await this.quiet.call<{ cloud_online: boolean }>('GET', `/gateways/${this.host.apId}/mqtt`)).cloud_online;
    await waitUntil(`gateway target: gateway ${this.host.apId} back online (LOCKBENCH_GATEWAY_WAIT_S)`, online, { timeoutMs: this.host.waitS * 1000, intervalMs: 100 });
  }

  /** A signed API call of the harness's own (settling), outside any test's wire log; its envelope code. */
  private async signed(path: string, fields: Record<string, unknown>): Promise<number> {
    const to = { apiUrl: this.apiUrl, app: this.app, now: () => this.now(), timeoutMs: this.host.ackTimeoutMs + 5000, dispatcher: agent };
    const { envelope, text } = await postSigned(to, path, fields);
    if (!envelope) throw new Error(`gateway target: ${path} answered no envelope: ${text.slice(0, 300)}`);
    return envelope.code;
  }

  async close(): Promise<void> {}
}
