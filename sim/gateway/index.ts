export type { EventListener, LockLink, LockLinkGroup } from './link.ts';
export type { GatewayDefect } from '../defects.ts';
export { VirtualGateway } from './gateway.ts';
export type { EventIdScheme, GatewayOptions, GatewayStats } from './gateway-options.ts';
export { RadioLink } from './radio-link.ts';
export { RadioLinks, type LockSource } from './radio-links.ts';
export { CommandDedup, type DedupState } from './command-dedup.ts';
