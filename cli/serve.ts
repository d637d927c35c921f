import * as fs from 'node:fs';
import * as path from 'node:path';
import { forkWorker } from '../lab/api/fork-host';
import { startLabServer } from '../lab/api/http-server';
import { LabService } from '../lab/api/service';
import type { Command } from './command';
import { EXIT, UsageError } from './errors';
import { sessionsRoot, SESSIONS_HELP, SESSIONS_OPTION } from './store-option';

export const RENDERER_DIR = path.resolve(__dirname, '..', 'renderer');

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the lab in a browser (for machines without a display)',
  help: `Usage: mtrl serve [--port N] [--host H]

Serves the desktop app's interface over HTTP with its API over a WebSocket, driving the same engine,
runs and session store. Prints http://HOST:PORT/?token=… on stdout; every request needs that token.
Binds to 127.0.0.1 unless told otherwise (reach it through an SSH tunnel).
      --port N              port (default 8765; 0 picks a free one)
      --host H              address to bind (default 127.0.0.1)
      --concurrency N       runs at once (default 1)
${SESSIONS_HELP}`,
  options: { port: { type: 'string' }, host: { type: 'string' }, concurrency: { type: 'string' }, ...SESSIONS_OPTION },
  async run(values) {
    const port = values.port === undefined ? 8765 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer in [0, 65535]; got "${String(values.port)}"`);
    const concurrency = values.concurrency === undefined ? 1 : Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError('--concurrency must be an integer in [1, 64]');
    if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html'))) throw new Error(`the interface is not built (${RENDERER_DIR}); run npm run build`);
    const service = new LabService(sessionsRoot(values.sessions), forkWorker, concurrency);
    const server = await startLabServer({ service, staticDir: RENDERER_DIR, host: (values.host as string | undefined) ?? '127.0.0.1', port });
    process.stdout.write(`${server.url}\n`);
    process.stderr.write(`sessions: ${service.sessionsRoot}\nCtrl-C to stop\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    service.dispose();
    await server.close();
    return EXIT.ok;
  },
};
