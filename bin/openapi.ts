/**
 * `lockbench openapi --profile P [--out F]`: the OpenAPI 3.1 document of a profile, generated from the
 * tables the stub cloud validates and answers with (sim/cloud/openapi.ts; docs/http-api.md §3), for an
 * integrator generating a client or pointing a contract tester at `npm run sim` (which serves the same
 * document at /openapi.json).
 */
import { writeFileSync } from 'node:fs';
import { openapiDocument } from '../sim/cloud/openapi.ts';
import { isProfileName } from '../sim/protocol/index.ts';
import { cli, type Cli } from './cli.ts';

const cmd = cli('lockbench openapi', {
  synopsis: 'lockbench openapi --profile P [--out F]',
  about: 'Write the OpenAPI 3.1 document of an API profile (docs/http-api.md §3.1) as JSON, on stdout or to a file.',
  options: [
    ['--profile P', 'kexin-2017-03 or kexin-2017-10 (required)'],
    ['--out F', 'write to this file instead of stdout'],
  ],
});
// Annotated so TypeScript narrows after a call that never returns.
const fail: Cli['fail'] = cmd.fail;
const args = cmd.parse({ profile: { type: 'string' }, out: { type: 'string' } });
if (!isProfileName(args.profile)) fail(`--profile must be kexin-2017-03 or kexin-2017-10, got ${args.profile === undefined ? 'none' : `"${args.profile}"`}`);
const text = `${JSON.stringify(openapiDocument(args.profile), null, 2)}\n`;
if (args.out === undefined) process.stdout.write(text);
else {
  try {
    writeFileSync(args.out, text);
  } catch (e) {
    fail(`--out ${args.out}: ${(e as Error).message}`, 1);
  }
}
