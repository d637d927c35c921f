import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { it } from 'node:test';
import { forkWorker } from '../lab/api/fork-host';
import { LabService } from '../lab/api/service';
import { REQUEST_CHANNEL, registerIpc } from '../electron/ipc';

type Handler = (event: unknown, channel: unknown, payload: unknown) => Promise<unknown>;

/** Electron's ipcMain reduced to what registerIpc uses: the handlers are the product's, called as Electron would. */
function harness() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mtrl-ipc-'));
  const service = new LabService(path.join(root, 'sessions'), forkWorker);
  const handlers = new Map<string, Handler>();
  const ipcMain = { handle: (c: string, fn: Handler) => void handlers.set(c, fn), removeHandler: (c: string) => void handlers.delete(c) };
  const hooks = { exportArchive: async (ids: string[]) => service.exportTo(ids, path.join(root, 'out.mtrl')), importArchive: async () => service.importFrom(path.join(root, 'out.mtrl')) };
  registerIpc(ipcMain as never, service, hooks);
  const trusted = { senderFrame: { url: 'app://lab/index.html' } };
  const call = (channel: unknown, payload?: unknown, event: unknown = trusted) => handlers.get(REQUEST_CHANNEL)!(event, channel, payload);
  const events: Array<[string, any]> = [];
  service.on('event', (name: string, payload: unknown) => events.push([name, payload]));
  const waitFor = async (pred: (e: [string, any]) => boolean, ms = 60000) => {
    for (let t = 0; t < ms; t += 20) {
      const hit = events.find(pred);
      if (hit) return hit[1];
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('timed out waiting for an event');
  };
  return { service, call, events, waitFor };
}

const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return JSON.parse((e as Error).message);
  }
  assert.fail('expected the request to be refused');
};

const quick = { data: { d: 16 }, model: { m: 32 }, pretrain: { T: 8, n: 16, rounds: 30, logEvery: 10 }, downstream: { tasks: 1, n: [8], nTest: 50 }, diagnostics: { pairs: 20 } };

it('every channel validates its payload and names the bad field', async () => {
  const { call, service } = harness();
  assert.match((await errorOf(call('nope:nothing'))).message, /unknown channel/);
  assert.match((await errorOf(call('sessions:get', { id: '../../etc' }))).message, /^id: is not valid/);
  assert.match((await errorOf(call('sessions:get', { id: 'x', extra: 1 }))).message, /^extra: unknown field/);
  assert.match((await errorOf(call('runs:cancel', 'x'))).message, /payload: must be an object/);
  assert.match((await errorOf(call('sessions:update', { id: 'a', tags: [1] }))).message, /tags: must be a list/);
  assert.match((await errorOf(call('reproduce:start', { quick: 'yes' }))).message, /quick: must be true or false/);
  assert.match((await errorOf(call('sessions:representation', { id: 'a', run: -1 }))).message, /run: must be an integer/);
  const bad = await errorOf(call('runs:start', { config: { data: { d: 8, r: 8 }, model: { m: 0 } } }));
  assert.deepEqual(bad.issues.map((i: { path: string }) => i.path).sort(), ['data.r', 'model.m']);
  assert.match(bad.issues.find((i: { path: string }) => i.path === 'model.m').message, /must be an integer in \[1, 65536\]/);
  const valid = (await call('config:validate', { config: { pretrain: { T: 4 } } })) as { ok: boolean; runs: number };
  assert.deepEqual([valid.ok, valid.runs], [true, 1]);
  assert.equal(((await call('config:validate', { config: { pretrain: { T: 0 } } })) as { ok: boolean }).ok, false);
  assert.equal(service.activeRuns().length, 0, 'nothing bad was started');
});

it('a request from another page is refused', async () => {
  const { call } = harness();
  for (const url of ['https://evil.example/', 'file:///tmp/x.html', 'app://other/index.html', '']) {
    assert.match((await errorOf(call('lab:info', {}, { senderFrame: { url } }))).message, /does not come from the MTRL Lab window/);
  }
  const info = (await call('lab:info')) as { schema: unknown[]; presets: unknown[] };
  assert.ok(info.schema.length > 30 && info.presets.length > 5);
});

it('runs dispatch to a worker process, stream progress and end as recorded sessions', async () => {
  const { call, waitFor, service, events } = harness();
  const { key } = (await call('runs:start', { config: quick, name: 'via ipc', tags: ['t'] })) as { key: string };
  const done = await waitFor(([n, p]) => n === 'run:done' && p.key === key);
  assert.equal(done.status, 'completed');
  assert.ok(events.some(([n, p]) => n === 'run:progress' && p.key === key && p.round > 0));
  assert.ok(events.some(([n, p]) => n === 'run:measure' && p.key === key));
  const m = service.store.read(done.sessionId);
  assert.deepEqual([m.name, m.tags, m.status], ['via ipc', ['t'], 'completed']);
  const listed = (await call('sessions:list', {})) as Array<{ id: string }>;
  assert.deepEqual(listed.map((s) => s.id), [done.sessionId]);
  const rep = (await call('sessions:representation', { id: done.sessionId, run: 0 })) as { energy: number[]; m: number };
  assert.equal(rep.energy.length, 32);
});

it('a worker that crashes becomes a failed session, and the lab keeps running', async () => {
  const { call, waitFor, service } = harness();
  const { key } = (await call('runs:start', { config: { ...quick, pretrain: { ...quick.pretrain, rounds: 100000 } } })) as { key: string };
  const progress = await waitFor(([n, p]) => n === 'run:progress' && p.key === key && p.round > 5);
  process.kill(progress.pid, 'SIGKILL');
  const done = await waitFor(([n, p]) => n === 'run:done' && p.key === key);
  assert.equal(done.status, 'failed');
  assert.match(done.error, /exited unexpectedly \(signal SIGKILL\)/);
  const m = service.store.read(progress.sessionId);
  assert.equal(m.status, 'failed');
  assert.match(m.error ?? '', /exited unexpectedly/);
  const next = (await call('runs:start', { config: quick })) as { key: string };
  assert.equal((await waitFor(([n, p]) => n === 'run:done' && p.key === next.key)).status, 'completed');
});

it('runs queue one at a time by default, and a queued or running run can be cancelled', async () => {
  const { call, waitFor, service } = harness();
  const long = { ...quick, pretrain: { ...quick.pretrain, rounds: 100000 } };
  const a = (await call('runs:start', { config: long })) as { key: string };
  const b = (await call('runs:start', { config: quick })) as { key: string };
  assert.deepEqual(service.activeRuns().map((r) => r.state), ['running', 'queued']);
  assert.deepEqual(await call('runs:cancel', { sessionId: b.key }), { ok: true });
  await waitFor(([n, p]) => n === 'run:progress' && p.key === a.key && p.round > 3);
  await call('runs:cancel', { sessionId: a.key });
  const done = await waitFor(([n, p]) => n === 'run:done' && p.key === a.key);
  assert.equal(done.status, 'cancelled');
  assert.equal(service.store.read(done.sessionId).status, 'cancelled');
});
