import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { WebSocketServer, WebSocket } from 'ws';
import { errorPayload } from './contract';
import { dispatch, TransportHooks } from './dispatch';
import type { LabService } from './service';

/**
 * Browser mode: the same renderer over HTTP and the same API over a WebSocket. Every request needs the
 * session token (from ?token= once, then an HttpOnly cookie); requests from another origin, or naming a
 * host other than ours (DNS rebinding), are refused with 403.
 */
export interface ServerOptions {
  service: LabService;
  staticDir: string;
  host: string;
  port: number;
  token?: string;
  maxUploadBytes?: number;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.mtrl': 'application/zip', '.wasm': 'application/wasm' };

function sameToken(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: http.IncomingMessage): string | undefined {
  return /(?:^|;\s*)mtrl_token=([0-9a-f]+)/.exec(req.headers.cookie ?? '')?.[1];
}

export function startLabServer(opts: ServerOptions): Promise<{ server: http.Server; url: string; token: string; close(): Promise<void> }> {
  const token = opts.token ?? randomBytes(24).toString('hex');
  const { service } = opts;
  const reportsDir = path.join(path.dirname(service.sessionsRoot), 'reports');
  let actualPort = opts.port;
  const allowedHosts = () => new Set([`${opts.host}:${actualPort}`, `localhost:${actualPort}`, `127.0.0.1:${actualPort}`, `[::1]:${actualPort}`]);

  /** 403 unless the request names our host, comes from our origin (when it says), and carries the token. */
  function authorize(req: http.IncomingMessage, url: URL): { ok: boolean; fromQuery: boolean } {
    const wildcard = opts.host === '0.0.0.0' || opts.host === '::';
    if (!wildcard && !allowedHosts().has(req.headers.host ?? '')) return { ok: false, fromQuery: false };
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}`) return { ok: false, fromQuery: false };
    const q = url.searchParams.get('token') ?? undefined;
    if (sameToken(q, token)) return { ok: true, fromQuery: true };
    return { ok: sameToken(cookieToken(req), token), fromQuery: false };
  }

  const send = (res: http.ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8', extra: http.OutgoingHttpHeaders = {}) => {
    res.writeHead(status, { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store', ...extra });
    res.end(body);
  };

  function serveFile(res: http.ServerResponse, root: string, rel: string, extra: http.OutgoingHttpHeaders = {}): void {
    const file = path.resolve(root, `.${path.posix.normalize(`/${rel}`)}`);
    if (!file.startsWith(path.resolve(root) + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return send(res, 404, 'not found');
    send(res, 200, fs.readFileSync(file), TYPES[path.extname(file)] ?? 'application/octet-stream', extra);
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const auth = authorize(req, url);
    if (!auth.ok) return send(res, 403, 'forbidden: this MTRL Lab server needs its token (open the URL it printed)');
    const cookie = auth.fromQuery ? { 'Set-Cookie': `mtrl_token=${token}; HttpOnly; SameSite=Strict; Path=/` } : {};
    const csp = `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws://${req.headers.host}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;
    if (req.method === 'POST' && url.pathname === '/upload') return void receiveUpload(req, res);
    if (req.method !== 'GET') return send(res, 405, 'method not allowed');
    if (url.pathname === '/' || url.pathname === '/index.html') return serveFile(res, opts.staticDir, 'index.html', { ...cookie, 'Content-Security-Policy': csp });
    if (url.pathname.startsWith('/download/')) return serveFile(res, service.transferDir(), url.pathname.slice('/download/'.length), { 'Content-Disposition': 'attachment' });
    if (url.pathname.startsWith('/reports/')) return serveFile(res, reportsDir, decodeURIComponent(url.pathname.slice('/reports/'.length)));
    return serveFile(res, opts.staticDir, url.pathname.slice(1), cookie);
  });

  async function receiveUpload(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const limit = opts.maxUploadBytes ?? 4 * 1024 ** 3;
    const file = path.join(service.transferDir(), `upload-${randomBytes(6).toString('hex')}.mtrl`);
    const out = fs.createWriteStream(file);
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit && !tooBig) {
        tooBig = true;
        req.destroy();
      }
    });
    req.pipe(out);
    await new Promise<void>((resolve) => {
      out.on('close', resolve);
      req.on('close', () => out.end());
    });
    try {
      if (tooBig) return send(res, 413, JSON.stringify({ message: `upload exceeds ${limit} bytes` }), 'application/json');
      const report = await service.importFrom(file);
      send(res, 200, JSON.stringify(report), 'application/json');
    } catch (e) {
      send(res, 400, JSON.stringify(errorPayload(e)), 'application/json');
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  const hooks: TransportHooks = {
    async exportArchive(ids) {
      const name = `mtrl-sessions-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}.mtrl`;
      const r = await service.exportTo(ids, path.join(service.transferDir(), name));
      return { ...r, url: `/download/${name}`, name };
    },
    async importArchive() {
      return { upload: '/upload' };
    },
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/api' || !authorize(req, url).ok) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  const stopEvents = service.onEvent((e) => {
    const text = JSON.stringify({ event: e.name, payload: e.payload });
    for (const ws of wss.clients) if (ws.readyState === WebSocket.OPEN) ws.send(text);
  });
  wss.on('connection', (ws) => {
    ws.on('message', async (data) => {
      let msg: { id?: unknown; channel?: unknown; payload?: unknown };
      try {
        msg = JSON.parse(String(data));
      } catch {
        return ws.send(JSON.stringify({ id: null, ok: false, error: { message: 'messages must be JSON' } }));
      }
      try {
        const result = await dispatch(service, hooks, msg.channel, msg.payload);
        ws.send(JSON.stringify({ id: msg.id, ok: true, result }));
      } catch (e) {
        ws.send(JSON.stringify({ id: msg.id, ok: false, error: errorPayload(e) }));
      }
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      actualPort = (server.address() as { port: number }).port;
      const hostPart = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      resolve({
        server,
        token,
        url: `http://${hostPart}:${actualPort}/?token=${token}`,
        close: () =>
          new Promise((r) => {
            stopEvents();
            for (const ws of wss.clients) ws.terminate();
            wss.close();
            server.close(() => r());
            server.closeAllConnections?.();
          }),
      });
    });
  });
}
