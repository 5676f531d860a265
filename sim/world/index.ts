export * from './fixture.ts';
export * from './fixture-schema.ts';
export * from './world.ts';
export * from './push-sink.ts';
export * from './load.ts';
export * from './broker-url.ts';
export type { LockKnobs } from './control-locks.ts';
export type { LockLink } from '../gateway/link.ts';
export type { ClientRecord } from '../broker/client-records.ts';
