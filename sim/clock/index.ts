export * from './world-clock.ts';
export * from './lock-clock.ts';
