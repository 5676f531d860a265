import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { signBody, type Body } from '../../sim/protocol/index.ts';

/** A request-signing scheme: the default is DESIGN §5.1 (`kexin-json-hour`). */
export interface Signer {
  readonly name: string;
  sign(body: Body, appSecret: string, unixTime: number, exclude: readonly string[]): string;
}

/** DESIGN §5.1: md5(sorted compact JSON + "+" + secret + "+" + hour), lowercase hex. */
export const kexinJsonHour: Signer = {
  name: 'kexin-json-hour',
  sign: (body, secret, t, exclude) => signBody(body, secret, t, exclude),
};

/**
 * Load another deployment's scheme from a module whose default export (or `signer` export) is a
 * Signer, e.g. `LOCKBENCH_SIGNER=./my-signer.ts`. Without a path, the default scheme.
 */
export async function loadSigner(modulePath?: string): Promise<Signer> {
  if (!modulePath) return kexinJsonHour;
  const mod = (await import(pathToFileURL(resolve(modulePath)).href)) as { default?: Signer; signer?: Signer };
  const s = mod.signer ?? mod.default;
  if (!s || typeof s.sign !== 'function') throw new Error(`LOCKBENCH_SIGNER module ${modulePath} exports no signer with a sign() function`);
  return s;
}
