/**
 * Which variant `npm run gateway` becomes (issue 20): the virtual gateway's own choices, or the
 * variant drawn from `--variant SEED`; then the named switches a person typed (`--event-ids`,
 * `--event-order`), then `--variant-set k=v,…`. Without a variant, `--reconnect-ms` is also the back-off
 * after a loss (as it always was); with one, the back-off is the variant's and `--reconnect-ms` paces
 * only the attempts to join at start. And the variant as the options of
 * a `VirtualGateway` — the one place that maps a freedom (DESIGN §4, §12) onto the gateway's knobs.
 */
import { describeVariant, overrideVariant } from '../sim/variants/freedom.ts';
import { DEFAULT_GATEWAY_VARIANT, drawGatewayVariant, GATEWAY_FREEDOMS, type GatewayVariant } from '../sim/variants/gateway.ts';
import type { GatewayOptions } from '../sim/gateway/index.ts';
import { SEED_MAX } from '../sim/random.ts';

export interface VariantFlags {
  /** `--variant SEED`. */
  variant?: string;
  /** `--variant-set k=v,k=v`. */
  set?: string;
  /** The named switches, when typed (a person's word beats the draw). */
  eventIds?: string;
  eventOrder?: string;
  /** `--reconnect-ms` (already checked): the back-off when no variant is drawn. */
  reconnectMs: number;
}

export interface ChosenVariant {
  /** The seed it was drawn from; undefined for the virtual gateway's own choices. */
  seed: number | undefined;
  variant: GatewayVariant;
  /** `variant 17: event-ids=… order=… …` (stderr, and the sweep's table). */
  line: string;
}

/** The variant the flags ask for, or an error naming the flag. */
export function chooseVariant(f: VariantFlags): ChosenVariant | { error: string } {
  let seed: number | undefined;
  if (f.variant !== undefined) {
    seed = Number(f.variant);
    if (!/^\d+$/.test(f.variant) || seed > SEED_MAX) return { error: `--variant must be a seed 0…${SEED_MAX}, got "${f.variant}"` };
  }
  let variant = seed === undefined ? { ...DEFAULT_GATEWAY_VARIANT, backoff: f.reconnectMs } : drawGatewayVariant(seed).variant;
  const named = [
    f.eventIds !== undefined ? `event-ids=${f.eventIds}` : '',
    f.eventOrder !== undefined ? `order=${f.eventOrder}` : '',
  ].filter(Boolean).join(',');
  for (const [flag, text] of [['--event-ids/--event-order', named], ['--variant-set', f.set ?? '']] as const) {
    const v = overrideVariant(GATEWAY_FREEDOMS, variant, text);
    if ('error' in v) return { error: `${flag}: ${v.error}` };
    variant = v;
  }
  return { seed, variant, line: `variant ${seed ?? 'default'}: ${describeVariant(GATEWAY_FREEDOMS, variant)}` };
}

/** The `VirtualGateway` options that make the gateway this variant. */
export function gatewayOptionsOf(v: GatewayVariant): Pick<
  GatewayOptions, 'eventIds' | 'eventOrder' | 'reconnectPeriodMs' | 'keepaliveS' | 'cleanSession' | 'statusRepeats' | 'extraFields' | 'ackLatencyMs'
> {
  return {
    eventIds: v['event-ids'],
    eventOrder: v.order,
    reconnectPeriodMs: v.backoff,
    keepaliveS: v.keepalive,
    cleanSession: v.clean,
    statusRepeats: v['status-dups'],
    extraFields: v.extras,
    ackLatencyMs: v['ack-latency'],
  };
}
