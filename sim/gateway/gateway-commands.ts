import { gatewayTopic, parseCommand, type Ack, type Command, type LockOp } from '../protocol/index.ts';
import type { LockAnswer } from '../lock/types.ts';
import { TimeoutError, withTimeout } from '../io/index.ts';
import type { EventListener, LockLink, LockLinkGroup } from './link.ts';
import { GatewayUplink } from './gateway-uplink.ts';

/**
 * A gateway's commands (DESIGN §4): the locks it reaches, and each `cmd` turned into a request over
 * the lock's link or group, deduplicated by id, answered on `ack` — or dropped as a fault knob says.
 */
export class GatewayCommands extends GatewayUplink {
  /** Locks of a group taken away with `removeLink` (made on first use: almost always none). */
  private removed: Set<number> | null = null;

  /** Reach the lock behind `link` (replacing any link to the same lock). */
  addLink(link: LockLink): void {
    this.removeLink(link.lockId);
    this.removed?.delete(link.lockId);
    const off = link.onEvent(this.listener());
    (this.links ??= new Map()).set(link.lockId, { link, off });
  }

  /** Reach every lock of `group` (one subscription for all of them). */
  addLinks(group: LockLinkGroup): void {
    const entry = { group, off: group.onEvent(this.listener()) };
    if (this.groups) this.groups.push(entry);
    else this.groups = [entry];
  }

  /** Stop reaching a lock: commands for it answer `unreachable`. The link stays open for its owner. */
  removeLink(lockId: number): void {
    this.links?.get(lockId)?.off();
    this.links?.delete(lockId);
    if (this.groupOf(lockId)) (this.removed ??= new Set()).add(lockId);
  }

  /** The one listener every link and group of this gateway calls (made at the first: a gateway in a bench has none). */
  private listener(): EventListener {
    return (this.linkListener ??= this.forwardEvent.bind(this));
  }

  /** The group that reaches `lockId`, unless the lock was taken away. */
  private groupOf(lockId: number): LockLinkGroup | undefined {
    if (this.removed?.has(lockId)) return undefined;
    return this.groups?.find((g) => g.group.has(lockId))?.group;
  }

  /** A message on the session's subscription (`session.ts` calls it): a `cmd` of this gateway is handled, anything else ignored. */
  async sessionMessage(topic: string, payload: Buffer): Promise<void> {
    if (topic !== gatewayTopic(this.apId, 'cmd', this.namespace)) return;
    this.handling++;
    try {
      if (this.redeliverNext > 0) {
        this.redeliverNext--;
        // Fault hook: the same QoS 1 message arrives again once the first copy is handled (a lost PUBACK).
        await this.handleCommand(payload);
      }
      await this.handleCommand(payload);
    } finally {
      this.handling--;
    }
  }

  private async handleCommand(payload: Buffer): Promise<void> {
    const parsed = parseCommand(payload);
    if (!parsed.ok || this.partitionedNow) {
      this.count('dropped');
      return;
    }
    // A drawn drop: the command is lost as a partition loses it (no ack; the cloud's ack timeout answers).
    if (this.faultsMade?.hit()) {
      this.count('dropped');
      return;
    }
    const cmd = parsed.value;
    this.count('commands');
    const dedup = this.dedup;
    const known = dedup.begin(cmd.id);
    if (known.kind !== 'new') {
      this.count('duplicates');
      // DESIGN §4: the same ack again, without acting; an id still in progress gets its ack when done.
      if (this.seams.dedupCommands) {
        if (known.kind === 'done') await this.publish('ack', known.ack);
        return;
      }
    }
    if (!(await this.delay()) || !(await this.pause(this.tuning.ackLatencyMs))) return;
    const answer = await this.ask(cmd);
    const id = this.seams.ackId(cmd.id);
    const ack: Ack = { id, lock_id: cmd.lock_id, result: answer.result, data: answer.data };
    dedup.finish(cmd.id, ack);
    if (this.seams.ackDelayMs > 0 && !(await this.pause(this.seams.ackDelayMs))) return;
    await this.publish('ack', ack);
  }

  private async ask(cmd: Command): Promise<LockAnswer> {
    const link = this.links?.get(cmd.lock_id)?.link;
    const group = link ? undefined : this.groupOf(cmd.lock_id);
    if (!link && !group) return { result: 'unreachable', data: {} };
    const timeoutMs = this.tuning.lockTimeoutMs;
    // LockLink promises to settle within timeoutMs; the margin guards a link that breaks that promise.
    const op = { op: cmd.op, args: cmd.args } as LockOp;
    const answer = Promise.resolve().then(() => (link ? link.request(op, timeoutMs) : group!.request(cmd.lock_id, op, timeoutMs)));
    return withTimeout(answer, timeoutMs + 500, `lock ${cmd.lock_id} ${cmd.op}`).catch(
      (err: unknown): LockAnswer => ({ result: err instanceof TimeoutError ? 'unreachable' : 'error', data: {} }),
    );
  }
}
