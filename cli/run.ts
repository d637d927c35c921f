import { chooseBackend } from '../lab/backends/registry';
import type { ExperimentHooks, ExperimentResult } from '../lab/experiment';
import { recordExperiment, Recorded, RecordOptions } from '../lab/sessions/record';
import type { Command } from './command';
import { rawConfigFrom } from './config-input';
import { resolveConfig } from '../lab/config';
import { openStore, SESSIONS_HELP, SESSIONS_OPTION } from './store-option';
import { EXIT } from './errors';
import { summarize } from './format';
import { ProgressBar } from './progress';

export const CONFIG_OPTIONS = {
  config: { type: 'string', short: 'c' },
  preset: { type: 'string', short: 'p' },
  set: { type: 'string', short: 's', multiple: true },
  backend: { type: 'string', short: 'b' },
  threads: { type: 'string' },
} as const;

export const CONFIG_HELP = `  -c, --config FILE     experiment config (JSON; every key optional, see README)
  -p, --preset NAME     start from a built-in preset (mtrl presets)
  -s, --set KEY=VALUE   override one config key, e.g. --set pretrain.T=16 (repeatable;
                        VALUE is JSON when it parses, e.g. --set 'downstream.n=[16,64]')
  -b, --backend NAME    auto | native | tfjs | tfjs-node-gpu | tfjs-node | tfjs-wasm | tfjs-cpu
      --threads N       BLAS threads for the native backend (0 = all cores)`;

/** Ctrl-C once stops after the current round and keeps what was measured; twice exits at once. */
export function interruptible(progress: ProgressBar): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT.cancelled);
    progress.note('stopping after this round (Ctrl-C again to quit at once)…');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, release: () => process.off('SIGINT', onSigint) };
}

function experimentHooks(progress: ProgressBar): ExperimentHooks {
  return {
    onProgress: (p) => progress.update((p.run + p.round / Math.max(1, p.rounds)) / p.runs, `run ${p.run + 1}/${p.runs} round ${p.round}/${p.rounds}`),
    onRunDone: (i, r) => progress.note(`run ${i + 1}: ${r.status}, sinTheta ${r.subspace.sinTheta.toFixed(3)}, energy ${r.subspace.energy.toFixed(3)} (${r.seconds.toFixed(1)}s)`),
  };
}

/** Shared by run, resume and rerun: progress, Ctrl-C, the recorded session, and the printed result. */
export async function runRecorded(
  values: Record<string, unknown>,
  start: (opts: RecordOptions) => Promise<Recorded>,
  backendChoice: { backend: import('../lab/schema').BackendChoice; threads: number },
): Promise<number> {
  const progress = new ProgressBar(process.stderr, !values.quiet);
  const chosen = await chooseBackend(backendChoice.backend, backendChoice.threads);
  progress.note(`backend: ${chosen.report.name} (${chosen.report.chosenBecause})`);
  for (const s of chosen.report.skipped) progress.note(`  skipped ${s.name}: ${s.reason}`);
  const { signal, release } = interruptible(progress);
  try {
    const { result, session } = await start({
      chosen,
      signal,
      hooks: experimentHooks(progress),
      // The id is printed even when quiet: it is how a caller finds the session again.
      onSession: (m) => process.stderr.write(`session: ${m.id}\n`),
    });
    progress.done();
    printResult(values, result);
    process.stderr.write(`session ${session.id}: ${session.status}\n`);
    return result.status === 'cancelled' ? EXIT.cancelled : EXIT.ok;
  } finally {
    release();
  }
}

export function printResult(values: Record<string, unknown>, result: ExperimentResult): void {
  process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${summarize(result)}\n`);
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run an experiment or sweep, record it as a session, and print its measurements',
  help: `Usage: mtrl run [--config FILE | --preset NAME] [--set KEY=VALUE ...] [--backend NAME] [--json]

Trains the two-layer ReLU network on T tasks, measures how much of W lies in the hidden
subspace (energy, sinTheta), then solves new tasks on the frozen representation.
Every run is recorded as a session (its id is printed on stderr). Progress goes to stderr;
Ctrl-C stops cleanly after the current round and the session is kept as cancelled.

${CONFIG_HELP}
      --name TEXT           the session's name
      --tag TAG             tag the session (repeatable)
${SESSIONS_HELP}
      --json                print one JSON object on stdout instead of tables
  -q, --quiet               no progress bar`,
  options: { ...CONFIG_OPTIONS, ...SESSIONS_OPTION, json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' }, name: { type: 'string' }, tag: { type: 'string', multiple: true } },
  async run(values) {
    const given = rawConfigFrom(values);
    const config = resolveConfig(given);
    const store = openStore(values.sessions);
    return runRecorded(values, (opts) => recordExperiment(store, given, config, { ...opts, name: values.name as string | undefined, tags: values.tag as string[] | undefined }), config);
  },
};

