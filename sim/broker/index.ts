export * from './acl.ts';
export { Broker, type BrokerOptions, type BrokerStats } from './broker.ts';
