import { isUint32Id, type LockOp } from '../protocol/index.ts';
import type { WorldParts } from './world-parts.ts';
import { BadInput, ControlError } from './json-http.ts';

/**
 * Control routes for the harness's own levers on any gateway of the fixture, simulated here or
 * connecting by itself (DESIGN §12; TEST-PLAN GWP-01…06): what the broker saw of it, dropping its
 * connection, sending it commands repeated with one id, and resetting the cloud between tests.
 */

/** The embedded broker and the cloud these levers need (absent with an external broker or a devices-only world, DESIGN §13). */
function embedded(world: WorldParts): { broker: NonNullable<WorldParts['broker']>; cloud: NonNullable<WorldParts['cloud']> } {
  if (!world.broker || !world.cloud) throw new ControlError(404, 'gateway levers need the embedded broker and the cloud of this world');
  return { broker: world.broker, cloud: world.cloud };
}

function fixtureGateway(world: WorldParts, id: string | undefined): number {
  const apId = Number(id);
  if (!world.fixture.gateways.some((g) => g.ap_id === apId)) throw new ControlError(404, `no gateway ${id}`);
  return apId;
}

/** `GET /gateways/{id}/mqtt`: the broker's record of `gw:{id}` and whether the cloud holds it online. */
export function gatewayMqtt(world: WorldParts, id: string | undefined): unknown {
  const apId = fixtureGateway(world, id);
  const { broker, cloud } = embedded(world);
  const record = broker.clientRecords()[`gw:${apId}`] ?? null;
  return { ap_id: apId, cloud_online: cloud.gatewayOnline(apId), record };
}

/** `POST /gateways/{id}/drop`: the broker cuts the gateway's connections without DISCONNECT (TEST-PLAN GWP-05). */
export function dropGateway(world: WorldParts, id: string | undefined): unknown {
  const apId = fixtureGateway(world, id);
  return { ap_id: apId, dropped: embedded(world).broker.drop(`gw:${apId}`) };
}

/**
 * `POST /gateways/{id}/probe` `{"cmd": {lock_id, op, args, id?} | "raw": text, "copies": n, "wait_ms": n}`:
 * the cloud sends the command `copies` times with one id and answers every ack it got (TEST-PLAN GWP-02, GWP-03).
 */
export async function probe(world: WorldParts, body: Record<string, unknown>, id: string | undefined): Promise<unknown> {
  const apId = fixtureGateway(world, id);
  const { cloud } = embedded(world);
  const waitMs = body.wait_ms ?? 1000;
  if (typeof waitMs !== 'number' || !Number.isInteger(waitMs) || waitMs < 0 || waitMs > 60_000) throw new BadInput('wait_ms must be an integer 0…60000');
  const copies = body.copies ?? 1;
  if (typeof copies !== 'number' || !Number.isInteger(copies) || copies < 1 || copies > 10) throw new BadInput('copies must be an integer 1…10');
  if ('raw' in body) {
    if (typeof body.raw !== 'string' || body.raw.length > 65_536) throw new BadInput('raw must be a string of at most 65536 characters');
    return cloud.probeGateway(apId, { raw: body.raw, waitMs });
  }
  const cmd = body.cmd as Record<string, unknown> | undefined;
  if (typeof cmd !== 'object' || cmd === null || Array.isArray(cmd)) throw new BadInput('body must have "cmd" (an object) or "raw" (a string)');
  if (!isUint32Id(cmd.lock_id)) throw new BadInput('cmd.lock_id must be a uint32');
  if (typeof cmd.op !== 'string') throw new BadInput('cmd.op must be a string');
  if (cmd.args !== undefined && (typeof cmd.args !== 'object' || cmd.args === null || Array.isArray(cmd.args))) throw new BadInput('cmd.args must be an object');
  if (cmd.id !== undefined && (typeof cmd.id !== 'string' || cmd.id.length === 0 || cmd.id.length > 128)) throw new BadInput('cmd.id must be a string of 1…128 characters');
  const op = { op: cmd.op, args: cmd.args ?? {} } as LockOp;
  return cloud.probeGateway(apId, { cmd: { ...op, lock_id: cmd.lock_id, ...(cmd.id ? { id: cmd.id as string } : {}) }, copies, waitMs });
}

/** How long an armed hold waits for its command by default, ms (`within_ms`). */
const HOLD_WITHIN_MS = 10_000;

/**
 * `POST /gateways/{id}/hold` `{"hold_ms": n, "within_ms"?: n}`: the broker holds the next command the
 * cloud sends this gateway before routing it, until `/release` or for `hold_ms` at most, if one comes
 * within `within_ms` (default 10000): requests sent together then all reach the cloud while that command
 * is in flight (TEST-PLAN GW-03).
 */
export function holdCommand(world: WorldParts, body: Record<string, unknown>, id: string | undefined): unknown {
  const apId = fixtureGateway(world, id);
  const { broker } = embedded(world);
  for (const k of Object.keys(body)) if (k !== 'hold_ms' && k !== 'within_ms') throw new BadInput(`${k} is not a hold field (hold_ms, within_ms)`);
  const withinMs = body.within_ms ?? HOLD_WITHIN_MS;
  // The broker checks the ranges and names the field (RangeError → 400).
  broker.holdNextCommand(apId, body.hold_ms as number, withinMs as number);
  return { ap_id: apId, hold_ms: body.hold_ms, within_ms: withinMs };
}

/** `POST /gateways/{id}/release`: what the broker holds for this gateway is routed now, an unused hold forgotten. */
export function releaseCommands(world: WorldParts, id: string | undefined): unknown {
  const apId = fixtureGateway(world, id);
  return { ap_id: apId, released: embedded(world).broker.releaseCommands(apId) };
}

/** `POST /reset`: a fresh cloud and an empty push sink, no command hold armed; broker, gateways and locks untouched (DESIGN §12). */
export async function resetWorld(world: WorldParts): Promise<unknown> {
  world.broker?.clearHolds();
  await world.resetCloud();
  return { api: world.cloud?.url ?? '' };
}
