import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, chmodSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateDir, readSecret, writeSecretFile } from './secret-file.ts';

// DESIGN §4 security: secrets at rest are the owner's alone, whatever was on disk before.

const mode = (p: string): number => statSync(p).mode & 0o777;

test('an existing 0644 file becomes 0600 with the new content; a symlink is refused and its target untouched; the folder is 0700', async () => {
  const root = mkdtempSync(join(tmpdir(), 'secret-'));
  try {
    const dir = join(root, 'out');
    await privateDir(dir);
    assert.equal(mode(dir), 0o700);
    const file = join(dir, 'cloud.url');
    writeFileSync(file, 'old');
    chmodSync(file, 0o644);
    await writeSecretFile(file, 'mqtt://cloud:new@h:1\n');
    assert.equal(mode(file), 0o600);
    assert.equal(readFileSync(file, 'utf8'), 'mqtt://cloud:new@h:1\n');
    const target = join(root, 'elsewhere');
    writeFileSync(target, 'not yours');
    symlinkSync(target, join(dir, 'tap.url'));
    await assert.rejects(writeSecretFile(join(dir, 'tap.url'), 'secret'), /symlink/);
    assert.equal(readFileSync(target, 'utf8'), 'not yours');
    assert.ok(lstatSync(join(dir, 'tap.url')).isSymbolicLink());
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a secret comes from --secret-file, else --secret, else the environment', async () => {
  const root = mkdtempSync(join(tmpdir(), 'secret-'));
  try {
    const f = join(root, 's');
    writeFileSync(f, 'from-file\n');
    assert.equal(await readSecret({ file: f, env: 'X', flag: 'flag' }, { X: 'env' }), 'from-file');
    assert.equal(await readSecret({ env: 'X', flag: 'flag' }, { X: 'env' }), 'flag');
    assert.equal(await readSecret({ env: 'X' }, { X: 'env' }), 'env');
    assert.equal(await readSecret({ env: 'X' }, {}), undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
