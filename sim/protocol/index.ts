export * from './sign.ts';
export * from './hotp.ts';
export * from './timesync.ts';
export * from './idnum.ts';
export * from './outcome.ts';
export * from './profiles.ts';
export * from './results.ts';
export * from './mqtt.ts';
