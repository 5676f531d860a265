export * from './types.ts';
export { lockDefects } from './defaults.ts';
export * from './lock.ts';
export { EVENT_LOG_SIZE } from './event-log.ts';
