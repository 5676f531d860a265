/** The stub of the kexin cloud (DESIGN §3, §4 cloud side, §5.1, §5.3, §5.6). */
export { Cloud, DEFAULT_BODY_LIMIT_BYTES } from './cloud.ts';
export type { CloudDefect } from '../defects.ts';
export { startBuiltinFaceProvider } from './face-provider.ts';
export { formatLocalTime } from './events.ts';
export type { PushMessage } from './push.ts';
export type { AppRecord, CloudOptions, LockRecord, MemberRecord, PushOptions } from './types.ts';
export type { CloudStats } from './stats.ts';
export { LockRegistry, type LockRegistryData } from './lock-registry.ts';
export type { ProbeAck, ProbeRequest, ProbeResult } from './command-probe.ts';
