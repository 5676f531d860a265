export * from './types.ts';
export { lockDefects } from './defaults.ts';
export * from './lock.ts';
export { EVENT_LOG_SIZE } from './event-log.ts';
export { onOp, type LockBehaviour, type LockOpContext } from './behaviours.ts';
