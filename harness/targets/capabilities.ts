/**
 * What a target lets a spec control (DESIGN §9, TEST-PLAN "Needs"): `clock` world clock (C),
 * `lock` lock knobs — battery, drift, power, radio, jam, tamper (L), `gateway` gateway knobs (G),
 * `push` push inbox (P), `face` face-provider substitution (F), `keypad`/`ble` typing on the lock
 * and Bluetooth, `lockTime` setting the lock's clock (through time sync on lab), `broker` direct
 * MQTT access with gateway credentials, `sinkFaults` making the push receiver fail, `serial` a lockwire
 * link to a virtual lock that can lose responses (lab), `unplug` pulling and restoring the serial port (lab bench),
 * `clockReset` making the lock's clock untrusted.
 */
export type Capability = 'clock' | 'lock' | 'gateway' | 'push' | 'face' | 'keypad' | 'ble' | 'lockTime' | 'broker' | 'sinkFaults' | 'serial' | 'unplug' | 'clockReset';

export type Capabilities = Readonly<Record<Capability, boolean>>;

export const ALL_CAPABILITIES: readonly Capability[] = ['clock', 'lock', 'gateway', 'push', 'face', 'keypad', 'ble', 'lockTime', 'broker', 'sinkFaults', 'serial', 'unplug', 'clockReset'];

/** Capabilities from a list of the ones a target has. */
export function capabilities(has: readonly Capability[]): Capabilities {
  return Object.fromEntries(ALL_CAPABILITIES.map((c) => [c, has.includes(c)])) as Capabilities;
}

/** Why a test needing `need` is skipped on a target lacking it. */
export function skipReason(target: string, need: string): string {
  return `target "${target}" cannot ${DESCRIPTIONS[need] ?? `provide "${need}"`}`;
}

const DESCRIPTIONS: Record<string, string> = {
  clock: 'move world time (C)',
  lock: 'control the lock: battery, drift, power, radio, jam, tamper (L)',
  gateway: 'control gateways: online, partition, latency (G)',
  push: 'read the push inbox (P)',
  face: 'substitute the face provider (F)',
  keypad: 'type on the lock keypad',
  ble: 'talk to the lock over Bluetooth',
  lockTime: "set the lock's clock",
  broker: 'reach the MQTT broker with gateway credentials',
  sinkFaults: 'make the push receiver fail',
  serial: 'reach a virtual lock over lockwire (lab with a sim-capable device)',
  unplug: 'unplug and replug the serial port (needs LOCKBENCH_BENCH_CONTROL)',
  clockReset: "reset the lock's clock (make it untrusted)",
};
