import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { schemaProblems, signBody, type Schema } from '../protocol/index.ts';
import { openapiDocument } from '../cloud/openapi.ts';
import { parseFixture } from './fixture.ts';
import { World } from './world.ts';

// The OpenAPI documents (sim/cloud/openapi.ts): valid OpenAPI 3.1 by a maintained validator, the in-process
// check (sim/protocol/json-schema.ts) judging as the Python jsonschema package does, and the sim serving its own.

const parsed = parseFixture(JSON.parse(readFileSync(new URL('../../fixtures/fleet.json', import.meta.url), 'utf8')));
if (!parsed.ok) throw new Error('fleet.json invalid');
const fixture = parsed.fixture;
const app = fixture.apps[0]!;
const LOCK = 1000001;
const PROFILES = ['kexin-2017-03', 'kexin-2017-10'] as const;

/** Python with openapi-spec-validator and jsonschema, or why not (the two checks below are skipped, saying so). */
const python = spawnSync('python3', ['-c', 'import openapi_spec_validator, jsonschema'], { encoding: 'utf8' });
const noPython = python.status === 0 ? false : `python3 with openapi-spec-validator and jsonschema is not installed: ${python.stderr || python.error?.message}`;

function runPython(script: string, input: unknown): string {
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test('both documents are valid OpenAPI 3.1 (openapi-spec-validator)', { skip: noPython }, () => {
  const out = runPython(`
import json, sys
from openapi_spec_validator import validate
for name, doc in json.load(sys.stdin).items():
    validate(doc)
    print(name, len(doc["paths"]))`, Object.fromEntries(PROFILES.map((p) => [p, openapiDocument(p)])));
  assert.equal(out, 'kexin-2017-03 11\nkexin-2017-10 8');
});

/** Answers right and wrong for every response schema of a document: a right ok answer, and the same bent in each way. */
function cases(doc: ReturnType<typeof openapiDocument>): { schema: Schema; value: unknown }[] {
  const out: { schema: Schema; value: unknown }[] = [];
  const sample = { lock_id: 1, mac: 'aa:bb:cc:dd:ee:ff', master: { name: 'a', tel: '1' }, name: '', descr: '', corp_id: 0, device_ver: '', firmware_ver: '',
    is_init: true, is_bind: true, init_at: '', bind_at: '', updated_at: '', state: 0, is_del: false, online: true, is_abnormal: false, low_voltage: false,
    password: '012345', seq: 3, key1: 1, key2: 2 };
  for (const item of Object.values(doc.paths as Record<string, any>)) {
    for (const [status, r] of Object.entries(item.post.responses as Record<string, any>)) {
      const schema = r.content['application/json'].schema as Schema;
      const code = (schema.properties as any).code.enum[0];
      for (const data of [null, sample, { ...sample, low_voltage: 'false' }, { ...sample, password: '12345' }, { ...sample, lock_id: -1 }, {}, 'x']) {
        out.push({ schema, value: { code, desc: 'd', data } });
      }
      out.push({ schema, value: { code: 999_999, desc: 'd', data: null } }, { schema, value: { code, data: null } }, { schema, value: [] }, { schema, value: status });
    }
  }
  return out;
}

test('the in-process check judges every answer as jsonschema (Draft 2020-12) does', { skip: noPython }, () => {
  const all = PROFILES.flatMap((p) => cases(openapiDocument(p)));
  const mine = all.map((c) => schemaProblems(c.schema, c.value).length === 0);
  const theirs = runPython(`
import json, sys
from jsonschema import Draft202012Validator
print(json.dumps([Draft202012Validator(c["schema"]).is_valid(c["value"]) for c in json.load(sys.stdin)]))`, all);
  assert.deepEqual(mine, JSON.parse(theirs));
  assert.ok(mine.includes(true) && mine.includes(false), 'the cases hold answers of both kinds');
});

async function stateAnswer(world: World): Promise<{ status: number; body: unknown }> {
  const body: Record<string, unknown> = { app_id: app.app_id, lock_id: LOCK };
  body.sign = signBody(body, app.app_secret, world.clock.now());
  const res = await fetch(`${world.urls.api}/third/lock/state/get`, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function servedSchema(world: World, status: number): Promise<Schema> {
  const doc = (await (await fetch(`${world.urls.api}/openapi.json`)).json()) as any;
  return doc.paths['/third/lock/state/get'].post.responses[String(status)].content['application/json'].schema;
}

test('the sim serves its document at /openapi.json; a seeded wrong type (cloud-state-flag-as-string) is off it', { timeout: 20_000 }, async () => {
  for (const [defects, problems] of [[[], []], [['cloud-state-flag-as-string'], ['$.data.low_voltage must be boolean, is string']]] as const) {
    const world = await World.create(fixture, { defects: [...defects], profile: 'kexin-2017-10' });
    try {
      const answer = await stateAnswer(world);
      assert.equal(answer.status, 200);
      const schema = await servedSchema(world, answer.status);
      assert.deepEqual(schemaProblems(schema, answer.body).map((p) => `${p.path} ${p.message}`), problems, `defects ${JSON.stringify(defects)}`);
    } finally {
      await world.close();
    }
  }
});
