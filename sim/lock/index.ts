export * from './types.ts';
export * from './lock.ts';
export { EVENT_LOG_SIZE } from './event-log.ts';
export { onOp, type LockBehaviour, type LockOpContext } from './behaviours.ts';
export { LockTable, type LockRoute } from './lock-table.ts';
export { indexOfSorted, LockColumns, type LockColumnsData } from './lock-columns.ts';
