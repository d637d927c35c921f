import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, it } from 'node:test';
import WebSocket from 'ws';
import { forkWorker } from '../lab/api/fork-host';
import { startLabServer } from '../lab/api/http-server';
import { LabService } from '../lab/api/service';
import { RENDERER_DIR } from '../cli/serve';

let server: Awaited<ReturnType<typeof startLabServer>>;
let port = 0;
before(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mtrl-serve-'));
  server = await startLabServer({ service: new LabService(path.join(root, 'sessions'), forkWorker), staticDir: RENDERER_DIR, host: '127.0.0.1', port: 0 });
  port = Number(new URL(server.url).port);
});
after(() => server.close());

function get(pathname: string, headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: pathname, headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject);
  });
}

function socket(query: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

it('prints a loopback URL with a random token', () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
});

it('every HTTP request needs the token; the page sets it as a strict HttpOnly cookie', async () => {
  assert.equal((await get('/')).status, 403);
  assert.equal((await get('/?token=wrong')).status, 403);
  const page = await get(`/?token=${server.token}`);
  assert.equal(page.status, 200);
  assert.match(page.body, /<div id="app">/);
  assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
  const cookie = String(page.headers['set-cookie']);
  assert.match(cookie, /mtrl_token=[0-9a-f]+; HttpOnly; SameSite=Strict/);
  const asset = /assets\/[^"]+\.js/.exec(page.body)![0];
  assert.equal((await get(`/${asset}`)).status, 403);
  assert.equal((await get(`/${asset}`, { cookie: cookie.split(';')[0] })).status, 200);
  assert.equal((await get(`/../../etc/passwd?token=${server.token}`)).status, 404);
});

it('cross-origin requests and foreign Host headers are refused', async () => {
  assert.equal((await get(`/?token=${server.token}`, { origin: 'http://evil.example' })).status, 403);
  assert.equal((await get(`/?token=${server.token}`, { host: `evil.example:${port}` })).status, 403);
  assert.equal((await get(`/?token=${server.token}`, { origin: `http://127.0.0.1:${port}` })).status, 200);
});

it('the WebSocket needs the token and our origin, then speaks the validated API', async () => {
  await assert.rejects(socket(''), /HTTP 403/);
  await assert.rejects(socket('?token=bad'), /HTTP 403/);
  await assert.rejects(socket(`?token=${server.token}`, { Origin: 'http://evil.example' }), /HTTP 403/);
  const ws = await socket(`?token=${server.token}`, { Origin: `http://127.0.0.1:${port}` });
  const ask = (msg: unknown) =>
    new Promise<any>((resolve) => {
      ws.once('message', (d) => resolve(JSON.parse(String(d))));
      ws.send(JSON.stringify(msg));
    });
  const info = await ask({ id: 1, channel: 'lab:info', payload: {} });
  assert.equal(info.ok, true);
  assert.ok(info.result.backends.some((b: { name: string }) => b.name === 'native'));
  const bad = await ask({ id: 2, channel: 'runs:start', payload: { config: { model: { m: -3 } } } });
  assert.equal(bad.ok, false);
  assert.equal(bad.error.issues[0].path, 'model.m');
  const unknown = await ask({ id: 3, channel: 'fs:read', payload: {} });
  assert.match(unknown.error.message, /unknown channel/);
  ws.close();
});
