import * as os from 'node:os';
import { chooseBackend, ChosenBackend } from '../backends/registry';
import { expandRuns } from '../config';
import { ExperimentHooks, ExperimentResult, runExperiment } from '../experiment';
import type { LabConfig } from '../schema';
import type { Parameters } from '../backends/types';
import type { RunSetup } from '../train';
import type { SessionManifest } from './manifest';
import { environment, SessionStore } from './store';

export interface RecordOptions {
  name?: string;
  tags?: string[];
  notes?: string;
  signal?: AbortSignal;
  chosen?: ChosenBackend;
  hooks?: ExperimentHooks;
  /** Called once the session exists, before any work: where a caller learns the id. */
  onSession?(manifest: SessionManifest): void;
}

export interface Recorded {
  session: SessionManifest;
  result: ExperimentResult;
}

/** Runs the experiment, writing everything it measures into a session as it goes. */
async function execute(store: SessionStore, manifest: SessionManifest, config: LabConfig, opts: RecordOptions, resume: boolean): Promise<Recorded> {
  const id = manifest.id;
  const outer = opts.hooks ?? {};
  const plan = expandRuns(config);
  const statuses = plan.map((p, index) => ({ index, params: p.params, seed: p.seed, status: 'pending' }));
  const shapes = plan.map((p) => ({ m: p.config.model.m, d: p.config.data.d, T: p.config.pretrain.T }));
  let final: { params: Parameters; setup: RunSetup } | null = null;
  try {
    const chosen = opts.chosen ?? (await chooseBackend(config.backend, config.threads));
    await store.update(id, (m) => {
      m.environment = environment(chosen.report as unknown as Record<string, unknown>);
    });
    const result = await runExperiment(config, {
      ...outer,
      chosen,
      signal: opts.signal,
      existing: (i) => {
        // A cancelled run is continued from its checkpoint; finished ones are kept as they are.
        const prior = resume ? store.readRunResult(id, i) : null;
        const done = prior && prior.status !== 'cancelled' ? prior : null;
        if (done) statuses[i].status = done.status;
        return done ?? outer.existing?.(i) ?? null;
      },
      runHooks: (i, params, runConfig) => {
        const resumeFrom = resume ? store.readCheckpoint(id, i) : null;
        if (resume) store.truncateMetrics(id, i, resumeFrom ? resumeFrom.round : -1);
        statuses[i].status = 'running';
        final = null;
        return {
          ...(outer.runHooks?.(i, params, runConfig) ?? {}),
          ...(resumeFrom ? { resumeFrom } : {}),
          onCheckpoint: (c) => {
            // The metrics up to the checkpoint are made durable together with it.
            store.flushMetrics(id);
            store.writeCheckpoint(id, i, c, shapes[i]);
          },
          onFinish: (params2, setup) => {
            final = { params: params2, setup };
          },
        };
      },
      onMeasure: (i, point) => {
        store.appendMetric(id, i, point, false);
        outer.onMeasure?.(i, point);
      },
      onRunDone: (i, r) => {
        const f = final as { params: Parameters; setup: RunSetup } | null;
        store.writeRunOutcome(id, i, r, f?.params ?? null, f?.setup ?? null);
        statuses[i].status = r.status;
        outer.onRunDone?.(i, r);
      },
    });
    store.writeResults(id, result);
    const session = await store.finish(id, result.status, result.status === 'diverged' ? (result.runs.find((r) => r.error)?.error ?? null) : null, statuses);
    return { session, result };
  } catch (e) {
    await store.finish(id, 'failed', (e as Error).message, statuses);
    throw e;
  }
}

export async function recordExperiment(store: SessionStore, given: unknown, config: LabConfig, opts: RecordOptions = {}): Promise<Recorded> {
  const runs = expandRuns(config).map((p, index) => ({ index, params: p.params, seed: p.seed, status: 'pending' }));
  const manifest = store.create({ name: opts.name, tags: opts.tags, notes: opts.notes, given, resolved: config, environment: environment(null), runs });
  opts.onSession?.(manifest);
  return execute(store, manifest, config, opts, false);
}

export class NotResumable extends Error {}

/** Continues an interrupted (or cancelled) session from its last checkpoints; the result equals an uninterrupted run's. */
export async function resumeSession(store: SessionStore, id: string, opts: RecordOptions = {}): Promise<Recorded> {
  const current = store.read(id);
  if (current.status === 'running') throw new NotResumable(`session ${id} is still running in process ${current.writer?.pid}`);
  if (current.status === 'completed' || current.status === 'diverged')
    throw new NotResumable(`session ${id} is ${current.status}; use mtrl rerun ${id} to run it again`);
  const manifest = await store.update(id, (m) => {
    m.status = 'running';
    m.error = null;
    m.finished = null;
    m.writer = { pid: process.pid, host: os.hostname() };
  });
  opts.onSession?.(manifest);
  return execute(store, manifest, manifest.config.resolved, opts, true);
}

/** The same resolved config and seeds in a new session. */
export async function rerunSession(store: SessionStore, id: string, opts: RecordOptions = {}): Promise<Recorded> {
  const original = store.read(id);
  return recordExperiment(store, original.config.given, original.config.resolved, { name: `${original.name} (rerun)`, tags: original.tags, ...opts });
}
