export type { LockLink } from './link.ts';
export { VirtualGateway, GATEWAY_DEFECTS, type EventIdScheme, type GatewayDefect, type GatewayOptions, type GatewayStats } from './gateway.ts';
export { RadioLink } from './radio-link.ts';
export { CommandDedup, type DedupState } from './command-dedup.ts';
