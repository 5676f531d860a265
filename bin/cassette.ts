/**
 * `lockbench cassette diff A B [--common]`: what changed between two recordings of a cloud
 * (docs/cli.md §8 "Record and replay") — per test, per exchange, the request fields, the status and
 * the answer fields — exit 1 when anything differs, 0 when nothing does.
 */
import { readCassette } from '../harness/targets/replay/session.ts';
import { diffCassettes } from '../harness/targets/replay/cassette-diff.ts';
import { cli, type Cli } from './cli.ts';

const cmd = cli('lockbench cassette', {
  synopsis: 'lockbench cassette diff A B [--common]',
  about: 'Compare two cassettes written by `lockbench record` (docs/cli.md §8): per test and per exchange in\nthe order sent, what changed in the request, the status and the answer, as JSON paths (answer.data.online: true → false).',
  options: [
    ['--common', 'compare only the tests both cassettes recorded (B recorded a subset of A); default: a test only one has is a difference'],
  ],
  more: ['exit codes:', '  0  the recordings agree', '  1  something differs (printed on stdout)', '  2  usage: a bad flag, or a file that is not a cassette (the problem named by its JSON path)'],
});
cmd.helpIfAsked();
const fail: Cli['fail'] = cmd.fail;

const args = process.argv.slice(2);
const common = args.includes('--common');
const unknown = args.find((a) => a.startsWith('-') && a !== '--common');
if (unknown) fail(`unknown option ${unknown} (see --help)`);
const [sub, a, b, ...extra] = args.filter((x) => x !== '--common');
if (sub !== 'diff') fail(`the subcommand must be diff, got ${sub === undefined ? 'none' : `"${sub}"`}`);
if (!a || !b || extra.length) fail('cassette diff takes two cassette files: A B');

const read = (path: string) => {
  try {
    return readCassette(path);
  } catch (e) {
    return fail((e as Error).message.replace(/^LOCKBENCH_CASSETTE /, ''));
  }
};
const lines = diffCassettes(read(a), read(b), { common });
if (lines.length === 0) {
  cmd.log(`${a} and ${b} agree${common ? ' on the tests both recorded' : ''}`);
  process.exit(0);
}
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(1);
