import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DYNSEC_FILE, findDynsecPlugin, type PluginProbe } from './dynsec-plugin.ts';

/** A host whose file system is a temp folder holding `files` (absolute paths inside it), without dpkg unless told. */
function fakeHost(files: readonly string[], packageFiles?: readonly string[]): { probe: PluginProbe; done(): void } {
  const root = mkdtempSync(join(tmpdir(), 'lockbench-dynsec-'));
  for (const f of files) {
    mkdirSync(join(root, dirname(f)), { recursive: true });
    writeFileSync(join(root, f), '');
  }
  return {
    probe: { exists: (p) => existsSync(join(root, p)), packageFiles: () => packageFiles },
    done: () => rmSync(root, { recursive: true, force: true }),
  };
}

test('an arm64 host (a Pi beside the lock): the plugin is found in the aarch64 folder, not the x86_64 one', () => {
  const host = fakeHost([`/usr/lib/aarch64-linux-gnu/${DYNSEC_FILE}`]);
  try {
    const found = findDynsecPlugin(undefined, host.probe);
    assert.deepEqual(found, { ok: true, path: `/usr/lib/aarch64-linux-gnu/${DYNSEC_FILE}`, how: 'found in /usr/lib/aarch64-linux-gnu' });
  } finally {
    host.done();
  }
});

test('a 32-bit Raspberry Pi OS host: the armhf folder', () => {
  const host = fakeHost([`/usr/lib/arm-linux-gnueabihf/${DYNSEC_FILE}`]);
  try {
    const found = findDynsecPlugin(undefined, host.probe);
    assert.equal(found.ok && found.path, `/usr/lib/arm-linux-gnueabihf/${DYNSEC_FILE}`);
  } finally {
    host.done();
  }
});

test('the file dpkg lists for the mosquitto package wins over the known folders', () => {
  const odd = `/opt/mosq/lib/${DYNSEC_FILE}`;
  const host = fakeHost([odd, `/usr/lib/${DYNSEC_FILE}`], ['/usr/sbin/mosquitto', odd]);
  try {
    assert.deepEqual(findDynsecPlugin(undefined, host.probe), { ok: true, path: odd, how: 'dpkg -L mosquitto' });
  } finally {
    host.done();
  }
});

test('an override is taken as given when it exists and named in the error when it does not', () => {
  const host = fakeHost([`/usr/lib/aarch64-linux-gnu/${DYNSEC_FILE}`, '/srv/dynsec.so']);
  try {
    assert.deepEqual(findDynsecPlugin({ path: '/srv/dynsec.so', from: '--plugin' }, host.probe), { ok: true, path: '/srv/dynsec.so', how: '--plugin' });
    const missing = findDynsecPlugin({ path: '/srv/typo.so', from: 'LOCKBENCH_MOSQUITTO_PLUGIN' }, host.probe);
    assert.deepEqual(missing, { ok: false, error: 'LOCKBENCH_MOSQUITTO_PLUGIN: /srv/typo.so does not exist' });
  } finally {
    host.done();
  }
});

test('no plugin anywhere: the error names the folders searched and the fix', () => {
  const host = fakeHost([]);
  try {
    const found = findDynsecPlugin(undefined, host.probe);
    assert.equal(found.ok, false);
    assert.match(!found.ok ? found.error : '', /aarch64-linux-gnu.*apt-get install -y mosquitto.*--plugin PATH/s);
  } finally {
    host.done();
  }
});
