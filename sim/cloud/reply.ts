import type { Outcome } from '../protocol/index.ts';

/** What a request is answered with, in domain terms; the profile table turns it into wire codes. */
export interface Reply {
  outcome: Outcome;
  /** Names the offending field where there is one (DESIGN §3.1). */
  desc?: string;
  /** Success data; always sent as null on non-ok outcomes. */
  data?: Record<string, unknown> | null;
  /** Close the connection after answering (413). */
  close?: boolean;
  headers?: Record<string, string>;
}

/** A successful reply. */
export function ok(data: Record<string, unknown> | null = null): Reply {
  return { outcome: 'ok', data };
}

/** A refusal. */
export function fail(outcome: Outcome, desc?: string): Reply {
  return desc === undefined ? { outcome } : { outcome, desc };
}
