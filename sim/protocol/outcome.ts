/**
 * Every outcome an API request can have, in domain terms. Each profile maps these to wire
 * codes in one table (DESIGN §3.1); nothing else compares codes.
 */
export type Outcome =
  | 'ok'
  | 'bad_params'
  | 'malformed_json'
  | 'bad_sign'
  | 'wrong_password'
  | 'face_too_frequent'
  | 'no_lock'
  | 'no_right'
  | 'not_bound'
  | 'expired'
  | 'face_mismatch'
  | 'unlock_failed'
  | 'offline'
  | 'no_gateway'
  | 'pwd_write_failed'
  | 'busy'
  | 'too_large'
  | 'not_found'
  | 'method'
  | 'provider_failed'
  | 'internal';

/** All outcomes, for exhaustive tables and tests. */
export const OUTCOMES: readonly Outcome[] = [
  'ok', 'bad_params', 'malformed_json', 'bad_sign', 'wrong_password', 'face_too_frequent', 'no_lock',
  'no_right', 'not_bound', 'expired', 'face_mismatch', 'unlock_failed', 'offline', 'no_gateway',
  'pwd_write_failed', 'busy', 'too_large', 'not_found', 'method', 'provider_failed', 'internal',
];

/** The JSON envelope every response carries. */
export interface Envelope<D = unknown> {
  code: number;
  desc: string;
  data: D | null;
}
