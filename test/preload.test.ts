import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { it } from 'node:test';
import { ROOT } from './helpers/cli';

const PRELOAD = path.join(ROOT, 'dist', 'electron', 'preload.js');

it('the preload runs in a sandbox: it needs only require("electron"), no module system', () => {
  const code = fs.readFileSync(PRELOAD, 'utf8');
  assert.deepEqual([...code.matchAll(/require\(([^)]*)\)/g)].map((m) => m[1]), ["'electron'"]);
  assert.doesNotMatch(code, /\bexports\.|module\.exports|defineProperty\(exports/);
});

it('the preload exposes one API that forwards to the one IPC channel and relays events', async () => {
  const exposed: Record<string, any> = {};
  const invoked: unknown[][] = [];
  let relay: ((e: unknown, name: string, payload: unknown) => void) | null = null;
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
    ipcRenderer: {
      invoke: async (...args: unknown[]) => (invoked.push(args), 'ok'),
      on: (channel: string, fn: typeof relay) => channel === 'mtrl:event' && (relay = fn),
    },
  };
  vm.runInNewContext(fs.readFileSync(PRELOAD, 'utf8'), { require: (m: string) => (m === 'electron' ? electron : assert.fail(`required ${m}`)), Map, Set });
  const api = exposed.mtrl;
  assert.deepEqual(Object.keys(api).sort(), ['exportSessions', 'importArchive', 'mode', 'on', 'openReport', 'reportUrl', 'request']);
  assert.equal(await api.request('lab:info'), 'ok');
  await api.exportSessions(['a']);
  await api.importArchive();
  // The objects come from the script's own realm; compare their JSON.
  assert.deepEqual(JSON.parse(JSON.stringify(invoked)), [
    ['mtrl:request', 'lab:info', {}],
    ['mtrl:request', 'sessions:export', { ids: ['a'] }],
    ['mtrl:request', 'sessions:import', {}],
  ]);
  const seen: unknown[] = [];
  const off = api.on('run:done', (p: unknown) => seen.push(p));
  relay!(null, 'run:done', { status: 'completed' });
  off();
  relay!(null, 'run:done', { status: 'again' });
  assert.deepEqual(JSON.parse(JSON.stringify(seen)), [{ status: 'completed' }]);
});
