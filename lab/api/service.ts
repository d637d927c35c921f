import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { listBackends } from '../backends/registry';
import { ConfigError, expandRuns, resolveConfig } from '../config';
import { neuronView, subspaceMetrics } from '../metrics';
import { PRESETS } from '../presets';
import { leafPaths, LabConfig } from '../schema';
import { exportArchive, importArchive, ImportReport } from '../sessions/archive';
import { SessionStore } from '../sessions/store';
import { CLAIMS } from '../reproduce/claims';
import { matrix } from '../linalg';
import type { ActiveRun, EventName, EventPayloads, LabEvent, Request } from './contract';
import type { FromWorker, WorkerPort } from './worker-protocol';

export type { ActiveRun } from './contract';

interface Job {
  info: ActiveRun;
  start: () => WorkerPort;
  port?: WorkerPort;
  cancelled?: boolean;
  message: Parameters<WorkerPort['send']>[0];
}

/**
 * The lab as the UI sees it: the session store, a queue of runs executed in separate worker processes,
 * and a stream of events. Electron's main process and `mtrl serve` each wrap one of these.
 */
export class LabService extends EventEmitter {
  readonly store: SessionStore;
  private queue: Job[] = [];
  private running: Job[] = [];

  constructor(
    readonly sessionsRoot: string,
    private readonly spawnWorker: () => WorkerPort,
    private readonly concurrency = 1,
  ) {
    super();
    this.store = new SessionStore(sessionsRoot);
  }

  private emitEvent<E extends EventName>(name: E, payload: EventPayloads[E]): void {
    this.emit('event', name, payload);
  }

  /** Every event, typed by name; returns the function that stops listening. */
  onEvent(listener: (e: LabEvent) => void): () => void {
    const fn = (name: EventName, payload: unknown) => listener({ name, payload } as LabEvent);
    this.on('event', fn);
    return () => this.off('event', fn);
  }

  async info() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const app = (require('../../../package.json') as { version: string }).version;
    return {
      app,
      versions: { node: process.versions.node, electron: process.versions.electron ?? null },
      sessionsRoot: this.sessionsRoot,
      backends: await listBackends(),
      presets: PRESETS,
      schema: leafPaths().map(([path, leaf]) => ({ path, ...leaf })),
      claims: CLAIMS.map((c) => ({ id: c.id, title: c.title, asserted: c.asserted, criterion: c.criterion })),
    };
  }

  validateConfig(req: Request<'config:validate'>) {
    try {
      const config = resolveConfig(req.config);
      return { ok: true as const, config, runs: expandRuns(config).length };
    } catch (e) {
      if (e instanceof ConfigError) return { ok: false as const, issues: e.issues };
      throw e;
    }
  }

  startRun(req: Request<'runs:start'>): { key: string } {
    const key = randomBytes(6).toString('hex');
    const runs = expandRuns(req.config).length;
    const info: ActiveRun = { key, kind: 'run', sessionId: null, name: req.name ?? '', state: 'queued', pid: undefined, backend: null, run: 0, runs, round: 0, rounds: req.config.pretrain.rounds, fraction: 0, started: null };
    this.enqueue({ info, start: this.spawnWorker, message: { type: 'run', sessionsRoot: this.sessionsRoot, given: req.given, config: req.config as LabConfig, name: req.name, tags: req.tags } });
    return { key };
  }

  startReproduce(req: Request<'reproduce:start'>): { key: string; out: string } {
    const key = randomBytes(6).toString('hex');
    const out = path.join(path.dirname(this.sessionsRoot), 'reports', new Date().toISOString().replace(/[:.]/g, '-'));
    const info: ActiveRun = { key, kind: 'reproduce', sessionId: null, name: `reproduce${req.quick ? ' (quick)' : ''}`, state: 'queued', pid: undefined, backend: null, run: 0, runs: 0, round: 0, rounds: 0, fraction: 0, started: null };
    this.enqueue({ info, start: this.spawnWorker, message: { type: 'reproduce', sessionsRoot: this.sessionsRoot, quick: req.quick, claims: req.claims, out, backend: 'auto' } });
    return { key, out };
  }

  private enqueue(job: Job): void {
    this.queue.push(job);
    this.pump();
  }

  private pump(): void {
    while (this.running.length < this.concurrency && this.queue.length) {
      const job = this.queue.shift()!;
      this.running.push(job);
      this.launch(job);
    }
    this.emitEvent('queue:changed', this.activeRuns());
  }

  private launch(job: Job): void {
    const port = job.start();
    job.port = port;
    job.info.state = 'running';
    job.info.pid = port.pid;
    job.info.started = Date.now();
    let finished = false;
    port.onMessage((m: FromWorker) => {
      const info = job.info;
      switch (m.type) {
        case 'session':
          info.sessionId = m.id;
          this.emitEvent('queue:changed', this.activeRuns());
          if (job.cancelled) port.send({ type: 'cancel' });
          break;
        case 'backend':
          info.backend = m.name;
          break;
        case 'progress':
          Object.assign(info, { run: m.run, runs: m.runs, round: m.round, rounds: m.rounds, fraction: (m.run + m.round / Math.max(1, m.rounds)) / m.runs });
          this.emitEvent('run:progress', { ...info });
          break;
        case 'measure':
          this.emitEvent('run:measure', { key: info.key, sessionId: info.sessionId, run: m.run, point: m.point });
          break;
        case 'runDone': {
          const { type: _type, ...lastRun } = m;
          this.emitEvent('run:progress', { ...info, lastRun });
          break;
        }
        case 'suiteProgress':
          Object.assign(info, { fraction: m.fraction, label: m.label });
          this.emitEvent('reproduce:progress', { ...info });
          break;
        case 'claim': {
          const { type: _type, ...claim } = m;
          this.emitEvent('reproduce:progress', { ...info, claim });
          break;
        }
        case 'done':
          finished = true;
          this.emitEvent(info.kind === 'run' ? 'run:done' : 'reproduce:done', { key: info.key, name: info.name, sessionId: info.sessionId, status: m.status, error: m.error, report: m.report });
          break;
        case 'error':
          this.emitEvent(info.kind === 'run' ? 'run:done' : 'reproduce:done', { key: info.key, name: info.name, sessionId: info.sessionId, status: 'failed', error: m.message });
          break;
      }
    });
    port.onExit((code, signal) => {
      this.running = this.running.filter((j) => j !== job);
      if (!finished) void this.crashed(job, code, signal);
      this.pump();
    });
    port.send(job.message);
  }

  /** A worker that died without reporting becomes a failed session; the app itself carries on. */
  private async crashed(job: Job, code: number | null, signal: string | null): Promise<void> {
    const error = `the run worker exited unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`})`;
    if (job.info.sessionId && this.store.exists(job.info.sessionId)) {
      try {
        await this.store.finish(job.info.sessionId, 'failed', error);
      } catch {
        // The session may be damaged beyond a status update; it will list as such.
      }
    }
    this.emitEvent(job.info.kind === 'run' ? 'run:done' : 'reproduce:done', { key: job.info.key, name: job.info.name, sessionId: job.info.sessionId, status: 'failed', error });
  }

  cancel(req: Request<'runs:cancel'>): { ok: boolean } {
    const key = req.sessionId;
    const queued = this.queue.find((j) => j.info.key === key || j.info.sessionId === key);
    if (queued) {
      this.queue = this.queue.filter((j) => j !== queued);
      this.emitEvent('run:done', { key: queued.info.key, name: queued.info.name, sessionId: null, status: 'cancelled' });
      this.emitEvent('queue:changed', this.activeRuns());
      return { ok: true };
    }
    const job = this.running.find((j) => j.info.key === key || j.info.sessionId === key);
    if (!job) return { ok: false };
    job.cancelled = true;
    job.port?.send({ type: 'cancel' });
    return { ok: true };
  }

  activeRuns(): ActiveRun[] {
    return [...this.running, ...this.queue].map((j) => ({ ...j.info }));
  }

  listSessions(req: Request<'sessions:list'>) {
    return this.store
      .list()
      .filter((s) => (!req.status || s.status === req.status) && (!req.tag || s.tags.includes(req.tag)))
      .map(({ dir: _dir, ...s }) => s);
  }

  getSession(req: Request<'sessions:get'>) {
    const manifest = this.store.read(req.id);
    return { manifest, results: this.store.readResults(req.id), metrics: this.store.readMetrics(req.id) };
  }

  /** Per-neuron energy inside vs outside span(M), projections on the first two directions, principal angles. */
  representation(req: Request<'sessions:representation'>) {
    const W = this.store.readTensor(req.id, req.run, 'W');
    const M = this.store.readTensor(req.id, req.run, 'M');
    const truth = matrix(M.shape[0], M.shape[1], M.data);
    const m = W.shape[0];
    return { ...neuronView(W.data, m, truth), subspace: subspaceMetrics(W.data, m, truth), r: M.shape[0], d: M.shape[1], m };
  }

  async updateSession(req: Request<'sessions:update'>) {
    return this.store.update(req.id, (m) => {
      if (req.name !== undefined) m.name = req.name;
      if (req.tags !== undefined) m.tags = [...new Set(req.tags)];
      if (req.notes !== undefined) m.notes = req.notes;
    });
  }

  deleteSession(req: Request<'sessions:delete'>) {
    if (this.running.some((j) => j.info.sessionId === req.id)) throw new Error(`session ${req.id} is running; cancel it first`);
    this.store.delete(req.id);
    return { ok: true };
  }

  async exportTo(ids: string[], file: string) {
    return exportArchive(this.store, ids, file);
  }

  async importFrom(file: string): Promise<ImportReport> {
    return importArchive(this.store, file);
  }

  /** A scratch folder inside the store's parent for archives on their way to or from a browser. */
  transferDir(): string {
    const dir = path.join(path.dirname(this.sessionsRoot), 'transfers');
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  dispose(): void {
    this.queue = [];
    for (const j of this.running) j.port?.kill();
  }
}
