import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Parameters } from '../backends/types';
import type { LabConfig } from '../schema';
import type { Checkpoint, HistoryPoint, RunResult, RunSetup } from '../train';
import type { ExperimentResult } from '../experiment';
import { appendDurable, atomicWrite, pidAlive, withLock } from './fsutil';
import { Environment, ManifestError, migrate, SCHEMA_VERSION, SessionManifest, SessionStatus } from './manifest';
import { decodeNpy, encodeNpy } from './npy';

export type SessionListing =
  | (SessionManifest & { damaged?: false; dir: string })
  | { id: string; status: 'damaged'; reason: string; dir: string; damaged: true; name: string; created: string | null; tags: string[] };

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const MANIFEST = 'manifest.json';
export const METRICS = 'metrics.jsonl';
export const RESULTS = 'results.json';

export class SessionNotFound extends Error {}

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id) && !id.startsWith('.');
}

export function newSessionId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export function environment(backend: Record<string, unknown> | null): Environment {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const app = (require('../../../package.json') as { version: string }).version;
  return {
    app,
    backend,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.versions.node,
    electron: process.versions.electron ?? null,
  };
}

/** One folder per session, in open formats: JSON manifest, JSON Lines metrics, JSON results, float32 .npy tensors. */
export class SessionStore {
  constructor(readonly root: string) {
    fs.mkdirSync(root, { recursive: true });
  }

  dir(id: string): string {
    if (!isValidId(id)) throw new SessionNotFound(`"${id}" is not a session id`);
    return path.join(this.root, id);
  }

  private manifestPath(id: string): string {
    return path.join(this.dir(id), MANIFEST);
  }

  exists(id: string): boolean {
    return isValidId(id) && fs.existsSync(this.manifestPath(id));
  }

  /** Creates the session folder atomically (mkdir fails if the id is taken) and writes its first manifest. */
  create(init: { name?: string; tags?: string[]; notes?: string; given: unknown; resolved: LabConfig; environment: Environment; runs: SessionManifest['runs']; id?: string }): SessionManifest {
    for (let attempt = 0; ; attempt++) {
      const id = init.id && attempt === 0 ? init.id : newSessionId();
      const dir = this.dir(id);
      try {
        fs.mkdirSync(dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 20) continue;
        throw e;
      }
      const manifest: SessionManifest = {
        schemaVersion: SCHEMA_VERSION,
        id,
        name: init.name ?? `${init.resolved.pretrain.method} T=${init.resolved.pretrain.T} d=${init.resolved.data.d}`,
        tags: init.tags ?? [],
        notes: init.notes ?? '',
        created: new Date().toISOString(),
        finished: null,
        status: 'running',
        error: null,
        config: { given: init.given, resolved: init.resolved },
        seeds: [...new Set(init.runs.map((r) => r.seed))],
        runs: init.runs,
        environment: init.environment,
        writer: { pid: process.pid, host: os.hostname() },
      };
      atomicWrite(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
      fs.writeFileSync(path.join(dir, METRICS), '');
      return manifest;
    }
  }

  read(id: string): SessionManifest {
    const file = this.manifestPath(id);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      throw new SessionNotFound(`no session "${id}" in ${this.root}`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new ManifestError(`manifest is not valid JSON (${(e as Error).message})`);
    }
    const m = migrate(raw);
    if (m.status === 'running' && m.writer && m.writer.host === os.hostname() && !pidAlive(m.writer.pid)) return { ...m, status: 'interrupted' };
    return m;
  }

  /** Read-modify-write of the manifest under the session's lock, so the app and a CLI never lose each other's edits. */
  async update(id: string, change: (m: SessionManifest) => void): Promise<SessionManifest> {
    const dir = this.dir(id);
    return withLock(path.join(dir, '.manifest.lock'), () => {
      const m = this.read(id);
      change(m);
      m.schemaVersion = SCHEMA_VERSION;
      atomicWrite(path.join(dir, MANIFEST), `${JSON.stringify(m, null, 2)}\n`);
      return m;
    });
  }

  list(): SessionListing[] {
    const out: SessionListing[] = [];
    for (const entry of fs.readdirSync(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const dir = path.join(this.root, entry.name);
      try {
        const m = this.read(entry.name);
        if (m.id !== entry.name) throw new ManifestError(`manifest id "${m.id}" does not match its folder`);
        out.push({ ...m, dir });
      } catch (e) {
        out.push({ id: entry.name, status: 'damaged', reason: (e as Error).message, dir, damaged: true, name: entry.name, created: null, tags: [] });
      }
    }
    return out.sort((a, b) => String(b.created ?? '').localeCompare(String(a.created ?? '')) || a.id.localeCompare(b.id));
  }

  delete(id: string): void {
    if (!fs.existsSync(this.dir(id))) throw new SessionNotFound(`no session "${id}" in ${this.root}`);
    const trash = path.join(this.root, `.deleted-${id}-${randomBytes(3).toString('hex')}`);
    fs.renameSync(this.dir(id), trash);
    fs.rmSync(trash, { recursive: true, force: true });
  }

  appendMetric(id: string, run: number, point: HistoryPoint, flush: boolean): void {
    appendDurable(path.join(this.dir(id), METRICS), `${JSON.stringify({ run, ...point })}\n`, flush);
  }

  flushMetrics(id: string): void {
    const fd = fs.openSync(path.join(this.dir(id), METRICS), 'r+');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Every complete metrics line; a torn last line (a kill mid-append) is ignored. */
  readMetrics(id: string): Array<{ run: number } & HistoryPoint> {
    const text = fs.readFileSync(path.join(this.dir(id), METRICS), 'utf8');
    const out: Array<{ run: number } & HistoryPoint> = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line));
      } catch {
        // Only the final line can be partial; everything before it was flushed whole.
      }
    }
    return out;
  }

  /** Keeps metrics of earlier runs and of run `run` up to `round`: what a resume continues from. */
  truncateMetrics(id: string, run: number, round: number): void {
    const keep = this.readMetrics(id).filter((p) => p.run < run || (p.run === run && p.round <= round));
    atomicWrite(path.join(this.dir(id), METRICS), keep.map((p) => `${JSON.stringify(p)}\n`).join(''));
  }

  private runDir(id: string, run: number): string {
    const dir = path.join(this.dir(id), `run-${run}`);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  writeTensor(dir: string, name: string, data: Float32Array, shape: number[]): void {
    atomicWrite(path.join(dir, `${name}.npy`), encodeNpy(data, shape));
  }

  readTensor(id: string, run: number, name: string): { data: Float32Array; shape: number[] } {
    return decodeNpy(fs.readFileSync(path.join(this.dir(id), `run-${run}`, `${name}.npy`)));
  }

  writeCheckpoint(id: string, run: number, c: Checkpoint, shape: { m: number; d: number; T: number }): void {
    const dir = this.runDir(id, run);
    // Tensors first under round-stamped names, then the JSON that points at them: a kill at any moment
    // leaves the previous checkpoint whole.
    this.writeTensor(dir, `checkpoint-${c.round}-W`, c.parameters.W, [shape.m, shape.d]);
    this.writeTensor(dir, `checkpoint-${c.round}-b`, c.parameters.b, [shape.m]);
    this.writeTensor(dir, `checkpoint-${c.round}-heads`, c.parameters.heads, [shape.T, shape.m]);
    atomicWrite(path.join(dir, 'checkpoint.json'), JSON.stringify({ round: c.round, dataRng: c.dataRng, history: c.history }));
    for (const f of fs.readdirSync(dir)) if (/^checkpoint-\d+-/.test(f) && !f.startsWith(`checkpoint-${c.round}-`)) fs.rmSync(path.join(dir, f), { force: true });
  }

  readCheckpoint(id: string, run: number): Checkpoint | null {
    const dir = path.join(this.dir(id), `run-${run}`);
    const file = path.join(dir, 'checkpoint.json');
    if (!fs.existsSync(file)) return null;
    const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as Omit<Checkpoint, 'parameters'>;
    const t = (name: string) => decodeNpy(fs.readFileSync(path.join(dir, `checkpoint-${meta.round}-${name}.npy`))).data;
    return { ...meta, parameters: { W: t('W'), b: t('b'), heads: t('heads') } };
  }

  /** Final tensors and the ground truth of a run, then its result: the result's presence marks the run done. */
  writeRunOutcome(id: string, run: number, result: RunResult, final: Parameters | null, setup: RunSetup | null): void {
    const dir = this.runDir(id, run);
    if (final && setup) {
      const { rows: r, cols: d } = setup.M;
      const m = final.b.length;
      this.writeTensor(dir, 'W', final.W, [m, d]);
      this.writeTensor(dir, 'b', final.b, [m]);
      this.writeTensor(dir, 'heads', final.heads, [setup.tasks.length, m]);
      this.writeTensor(dir, 'M', Float32Array.from(setup.M.data), [r, d]);
      atomicWrite(path.join(dir, 'tasks.json'), JSON.stringify(setup.tasks));
      const linear = setup.tasks.every((t) => 'v' in t);
      if (linear) this.writeTensor(dir, 'task_v', Float32Array.from(setup.tasks.flatMap((t) => ('v' in t ? t.v : []))), [setup.tasks.length, r]);
    }
    atomicWrite(path.join(dir, 'result.json'), JSON.stringify(result));
    // A finished run needs no checkpoint; a cancelled one keeps it so that resume can continue it.
    if (result.status !== 'cancelled')
      for (const f of fs.readdirSync(dir)) if (/^checkpoint[-.]/.test(f)) fs.rmSync(path.join(dir, f), { force: true });
  }

  readRunResult(id: string, run: number): RunResult | null {
    const file = path.join(this.dir(id), `run-${run}`, 'result.json');
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as RunResult) : null;
  }

  writeResults(id: string, result: ExperimentResult): void {
    atomicWrite(path.join(this.dir(id), RESULTS), `${JSON.stringify(result)}\n`);
  }

  readResults(id: string): ExperimentResult | null {
    const file = path.join(this.dir(id), RESULTS);
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ExperimentResult) : null;
  }

  async finish(id: string, status: SessionStatus, error: string | null, runs?: SessionManifest['runs']): Promise<SessionManifest> {
    return this.update(id, (m) => {
      m.status = status;
      m.error = error;
      m.finished = new Date().toISOString();
      m.writer = null;
      if (runs) m.runs = runs;
    });
  }
}
