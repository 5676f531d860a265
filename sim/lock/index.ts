export * from './types.ts';
export * from './lock.ts';
export { EVENT_LOG_SIZE } from './event-log.ts';
