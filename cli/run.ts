import { ConfigError } from '../lab/config';
import { runExperiment } from '../lab/experiment';
import { chooseBackend } from '../lab/backends/registry';
import type { Command } from './command';
import { configFrom } from './config-input';
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

export const runCommand: Command = {
  name: 'run',
  summary: 'run an experiment or sweep and print its measurements',
  help: `Usage: mtrl run [--config FILE | --preset NAME] [--set KEY=VALUE ...] [--backend NAME] [--json]

Trains the two-layer ReLU network on T tasks, measures how much of W lies in the hidden
subspace (energy, sinTheta), then solves new tasks on the frozen representation.
Progress goes to stderr; Ctrl-C stops cleanly after the current round.

${CONFIG_HELP}
      --json            print one JSON object on stdout instead of tables
  -q, --quiet           no progress bar`,
  options: { ...CONFIG_OPTIONS, json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' } },
  async run(values) {
    const config = configFrom(values);
    const progress = new ProgressBar(process.stderr, !values.quiet);
    const chosen = await chooseBackend(config.backend, config.threads);
    progress.note(`backend: ${chosen.report.name} (${chosen.report.chosenBecause})`);
    for (const s of chosen.report.skipped) progress.note(`  skipped ${s.name}: ${s.reason}`);
    const { signal, release } = interruptible(progress);
    try {
      const result = await runExperiment(config, {
        chosen,
        signal,
        onProgress: (p) => progress.update((p.run + p.round / Math.max(1, p.rounds)) / p.runs, `run ${p.run + 1}/${p.runs} round ${p.round}/${p.rounds}`),
        onRunDone: (i, r) => progress.note(`run ${i + 1}: ${r.status}, sinTheta ${r.subspace.sinTheta.toFixed(3)}, energy ${r.subspace.energy.toFixed(3)} (${r.seconds.toFixed(1)}s)`),
      });
      progress.done();
      process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${summarize(result)}\n`);
      return result.status === 'cancelled' ? EXIT.cancelled : EXIT.ok;
    } finally {
      release();
    }
  },
};

export { ConfigError };
