import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { it } from 'node:test';
import { resolveConfig } from '../lab/config';
import { recordExperiment } from '../lab/sessions/record';
import { SessionStore } from '../lab/sessions/store';
import { decodeNpy, encodeNpy } from '../lab/sessions/npy';
import { mtrl, mtrlAsync, ROOT } from './helpers/cli';

const tmp = (label: string) => fs.mkdtempSync(path.join(os.tmpdir(), `mtrl-${label}-`));
const small = { data: { d: 16 }, model: { m: 32 }, pretrain: { T: 6, n: 16, rounds: 30, logEvery: 5, checkpointEvery: 10 }, downstream: { tasks: 2, n: [8], nTest: 50 }, diagnostics: { pairs: 20 } };
const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
const strip = (runs: Array<{ seconds: number }>) => runs.map((r) => ({ ...r, seconds: 0 }));

it('a recorded run keeps manifest, metrics, results and float32 .npy tensors in one folder', async () => {
  const store = new SessionStore(tmp('record'));
  const config = resolveConfig(small);
  const { session, result } = await recordExperiment(store, small, config, { name: 'demo', tags: ['a'] });
  assert.equal(session.status, 'completed');
  const m = store.read(session.id);
  assert.equal(m.schemaVersion, 2);
  assert.equal(m.name, 'demo');
  assert.deepEqual(m.config.given, small);
  assert.equal(m.config.resolved.pretrain.T, 6);
  assert.equal(typeof (m.environment.backend as { name: string }).name, 'string');
  assert.ok(m.environment.cpu && m.environment.node && m.finished);
  assert.deepEqual(store.readResults(session.id)?.runs.map((r) => r.subspace), result.runs.map((r) => r.subspace));
  assert.equal(store.readMetrics(session.id).length, 7);
  const W = store.readTensor(session.id, 0, 'W');
  assert.deepEqual(W.shape, [32, 16]);
  assert.deepEqual(store.readTensor(session.id, 0, 'M').shape, [3, 16]);
  assert.deepEqual(store.readTensor(session.id, 0, 'heads').shape, [6, 32]);
  assert.deepEqual(store.readTensor(session.id, 0, 'task_v').shape, [6, 3]);
  assert.ok(!fs.readdirSync(path.join(store.dir(session.id), 'run-0')).some((f) => f.startsWith('checkpoint')), 'a finished run drops its checkpoint');
});

it('.npy files read back byte-exact, and numpy loads them as they are', () => {
  const data = Float32Array.from({ length: 12 }, (_, i) => i * 0.25 - 1.5 + (i === 7 ? 1e-7 : 0));
  const buf = encodeNpy(data, [3, 4]);
  assert.equal((buf.readUInt16LE(8) + 10) % 64, 0);
  const back = decodeNpy(buf);
  assert.deepEqual(back.shape, [3, 4]);
  assert.deepEqual(Buffer.from(back.data.buffer), Buffer.from(data.buffer));
  if (!hasNumpy) return;
  const dir = tmp('npy');
  fs.writeFileSync(path.join(dir, 'a.npy'), buf);
  const r = spawnSync('python3', ['-c', `import numpy as np; a = np.load(${JSON.stringify(path.join(dir, 'a.npy'))}); print(a.dtype, a.shape, a.tobytes().hex())`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `float32 (3, 4) ${Buffer.from(data.buffer).toString('hex')}`);
});

it('a run killed with SIGKILL is listed as interrupted, keeps its metrics, and resumes to the uninterrupted result', async () => {
  const root = tmp('kill');
  const args = ['run', '--preset', 'quick', '--set', 'pretrain.rounds=1500', '--set', 'pretrain.checkpointEvery=100', '--set', 'pretrain.logEvery=20', '--set', 'pretrain.fresh=true', '--json', '-q'];
  const run = mtrlAsync(args, { MTRL_SESSIONS: root });
  const store = new SessionStore(root);
  let id = '';
  for (let waited = 0; waited < 60000; waited += 20) {
    id = /session: (\S+)/.exec(run.output().stderr)?.[1] ?? '';
    if (id && fs.existsSync(path.join(root, id, 'run-0', 'checkpoint.json')) && JSON.parse(fs.readFileSync(path.join(root, id, 'run-0', 'checkpoint.json'), 'utf8')).round >= 200) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  run.child.kill('SIGKILL');
  const killed = await run.done;
  assert.equal(killed.signal, 'SIGKILL');
  const listed = JSON.parse(mtrl(['sessions', 'list', '--json'], { MTRL_SESSIONS: root }).stdout);
  assert.equal(listed.length, 1);
  assert.equal(listed[0].status, 'interrupted');
  const metrics = store.readMetrics(id);
  assert.ok(metrics.length >= 11 && metrics.every((p, i) => p.round === i * 20), `metrics up to the checkpoint: ${metrics.length}`);
  const resumed = mtrl(['resume', id, '--json'], { MTRL_SESSIONS: root });
  assert.equal(resumed.code, 0, resumed.stderr);
  const rerun = mtrl(['rerun', id, '--json'], { MTRL_SESSIONS: root });
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.match(rerun.stderr, /session: \S+/);
  assert.deepEqual(strip(JSON.parse(resumed.stdout).runs), strip(JSON.parse(rerun.stdout).runs));
  assert.equal(store.read(id).status, 'completed');
  assert.equal(store.readMetrics(id).length, 1500 / 20 + 1);
});

it('a damaged or foreign session folder is listed with its reason and never hides the others', async () => {
  const root = tmp('damaged');
  const store = new SessionStore(root);
  const { session } = await recordExperiment(store, small, resolveConfig(small));
  fs.mkdirSync(path.join(root, 'broken'));
  fs.writeFileSync(path.join(root, 'broken', 'manifest.json'), '{"schemaVersion": 2, "id": ');
  fs.mkdirSync(path.join(root, 'foreign'));
  fs.writeFileSync(path.join(root, 'foreign', 'manifest.json'), '{"hello": "world"}');
  fs.mkdirSync(path.join(root, 'empty'));
  fs.mkdirSync(path.join(root, 'future'));
  fs.writeFileSync(path.join(root, 'future', 'manifest.json'), JSON.stringify({ schemaVersion: 99, id: 'future' }));
  const r = mtrl(['sessions', 'list', '--json'], { MTRL_SESSIONS: root });
  assert.equal(r.code, 0);
  const byId = Object.fromEntries(JSON.parse(r.stdout).map((s: { id: string }) => [s.id, s]));
  assert.equal(byId[session.id].status, 'completed');
  assert.match(byId.broken.reason, /not valid JSON/);
  assert.match(byId.foreign.reason, /no schemaVersion/);
  assert.match(byId.empty.reason, /no session/);
  assert.match(byId.future.reason, /newer than this app/);
  assert.ok(['broken', 'foreign', 'empty', 'future'].every((k) => byId[k].status === 'damaged'));
  assert.equal(mtrl(['sessions', 'show', 'broken'], { MTRL_SESSIONS: root }).code, 1);
});

it('sessions of the older schema are read through migration', () => {
  const root = tmp('v1');
  fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'sessions-v1'), root, { recursive: true });
  const r = mtrl(['sessions', 'show', '20240101-000000-abcdef', '--json'], { MTRL_SESSIONS: root });
  assert.equal(r.code, 0, r.stderr);
  const m = JSON.parse(r.stdout);
  assert.equal(m.schemaVersion, 2);
  assert.equal(m.name, 'T sweep from MTRL Lab 0.0.3');
  assert.equal(m.status, 'completed');
  assert.equal(m.created, '2024-01-01T00:00:00.000Z');
  assert.deepEqual(m.tags, []);
  assert.match(mtrl(['sessions', 'csv', '20240101-000000-abcdef'], { MTRL_SESSIONS: root }).stdout, /^run,seed,round,energy/);
  assert.equal(mtrl(['sessions', 'tag', '20240101-000000-abcdef', 'old'], { MTRL_SESSIONS: root }).code, 0);
  assert.equal(JSON.parse(fs.readFileSync(path.join(root, '20240101-000000-abcdef', 'manifest.json'), 'utf8')).schemaVersion, 2);
});

it('concurrent writers (two processes editing one manifest, two runs in one store) corrupt nothing', async () => {
  const root = tmp('concurrent');
  const store = new SessionStore(root);
  const { session } = await recordExperiment(store, small, resolveConfig(small));
  const tagger = path.join(ROOT, 'dist', 'test', 'helpers', 'tagger.js');
  const spawnDone = (args: string[]) =>
    new Promise<number | null>((resolve) => spawn(process.execPath, args, { stdio: 'inherit' }).on('close', resolve));
  const runs = [0, 1].map(() => mtrlAsync(['run', '--preset', 'quick', '-q', '--json'], { MTRL_SESSIONS: root }).done);
  const codes = await Promise.all([spawnDone([tagger, root, session.id, 'a', '40']), spawnDone([tagger, root, session.id, 'b', '40'])]);
  assert.deepEqual(codes, [0, 0]);
  const tags = store.read(session.id).tags;
  assert.equal(tags.length, 80);
  for (const r of await Promise.all(runs)) assert.equal(r.code, 0, r.stderr);
  const all = store.list();
  assert.equal(all.length, 3);
  assert.ok(all.every((s) => s.status === 'completed'));
});

it('sessions rename, tag, note, delete and csv through the CLI', async () => {
  const root = tmp('edit');
  const store = new SessionStore(root);
  const { session } = await recordExperiment(store, small, resolveConfig({ ...small, sweep: { over: { 'pretrain.T': [2, 4] } } }));
  const env = { MTRL_SESSIONS: root };
  assert.equal(mtrl(['sessions', 'rename', session.id, 'new', 'name'], env).code, 0);
  assert.equal(mtrl(['sessions', 'tag', session.id, 'x', 'y'], env).code, 0);
  assert.equal(mtrl(['sessions', 'tag', session.id, 'x', '--remove'], env).code, 0);
  assert.equal(mtrl(['sessions', 'note', session.id, 'looks', 'right'], env).code, 0);
  const m = store.read(session.id);
  assert.deepEqual([m.name, m.tags, m.notes], ['new name', ['y'], 'looks right']);
  assert.equal(JSON.parse(mtrl(['sessions', 'list', '--json', '--tag', 'y'], env).stdout).length, 1);
  assert.equal(JSON.parse(mtrl(['sessions', 'list', '--json', '--status', 'failed'], env).stdout).length, 0);
  const csv = mtrl(['sessions', 'csv', session.id], env).stdout.trim().split('\n');
  assert.equal(csv[0], 'run,pretrain.T,seed,round,energy,sinTheta,loss,accuracy,contrastive');
  assert.equal(csv.length, 1 + 2 * 7);
  assert.match(csv[8], /^1,4,0,0,/);
  assert.equal(mtrl(['sessions', 'delete', session.id], env).code, 2, 'needs --yes without a terminal');
  assert.ok(store.exists(session.id));
  assert.equal(mtrl(['sessions', 'delete', session.id, '--yes'], env).code, 0);
  assert.ok(!store.exists(session.id));
  assert.equal(mtrl(['sessions', 'show', 'nope'], env).code, 2);
  assert.equal(mtrl(['resume', 'nope'], env).code, 2);
});
