export * from './acl.ts';
export { Broker, type BrokerOptions, type BrokerStats } from './broker.ts';
export { BrokerThread, type BrokerHandle } from './broker-thread.ts';
