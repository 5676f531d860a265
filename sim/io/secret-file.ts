/**
 * Secrets at rest and in argv (DESIGN §4 security, §13). A secret file is written 0600 whatever was
 * there before: the content goes to a new file created exclusively beside it, then is renamed into
 * place, so an existing 0644 file never keeps its mode and a symlink planted at the path is refused,
 * never followed. A secret is read from a file or an environment variable, so it is in neither `ps`
 * nor npm's banner.
 */
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Refuse `path` if it is a symlink (ENOENT is fine: nothing there yet). */
async function refuseSymlink(path: string, what: string): Promise<void> {
  const st = await lstat(path).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
  if (st?.isSymbolicLink()) throw new Error(`${what} ${path} is a symlink: refused (a secret is never written through a link)`);
}

/** Create `dir` (and parents) and make it 0700; refuses a symlink at `dir`. */
export async function privateDir(dir: string): Promise<void> {
  await refuseSymlink(dir, 'directory');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/** Write `content` to `path` as a new 0600 file renamed into place (see the module comment). */
export async function writeSecretFile(path: string, content: string): Promise<void> {
  await refuseSymlink(path, 'file');
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': O_CREAT|O_EXCL — never an existing file nor a link someone raced in; mode set again past the umask.
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.chmod(0o600);
    await fh.writeFile(content);
  } catch (e) {
    await fh.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await rename(tmp, path);
}

/** Where a command's secret may come from. */
export interface SecretSources {
  /** `--secret-file F`: the file's content, one trailing newline dropped. */
  file?: string;
  /** `--secret S` (still accepted; visible in `ps` and npm's banner). */
  flag?: string;
  /** The environment variable's name (e.g. `LOCKBENCH_GATEWAY_SECRET`). */
  env: string;
}

/**
 * The secret from `--secret-file`, else `--secret`, else the environment (what the command line says
 * wins over what it inherits); undefined if none is given.
 */
export async function readSecret(src: SecretSources, environment: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (src.file !== undefined) return (await readFile(src.file, 'utf8')).replace(/\r?\n$/, '');
  if (src.flag !== undefined) return src.flag;
  const fromEnv = environment[src.env];
  return fromEnv === '' ? undefined : fromEnv;
}
