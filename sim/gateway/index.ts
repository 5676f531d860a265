export type { EventListener, LockLink } from './link.ts';
export type { GatewayDefect } from '../defects.ts';
export { VirtualGateway, type EventIdScheme, type GatewayOptions, type GatewayStats } from './gateway.ts';
export { RadioLink } from './radio-link.ts';
export { CommandDedup, type DedupState } from './command-dedup.ts';
