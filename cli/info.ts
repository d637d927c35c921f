import { listBackends } from '../lab/backends/registry';
import { PRESETS } from '../lab/presets';
import type { Command } from './command';
import { EXIT } from './errors';
import { table } from './format';

export const presetsCommand: Command = {
  name: 'presets',
  summary: 'list the built-in experiment presets',
  help: `Usage: mtrl presets [--json]

Each preset is a config over the defaults; run one with mtrl run --preset NAME.
      --json   print the presets with their configs as JSON`,
  options: { json: { type: 'boolean' } },
  async run(values) {
    if (values.json) process.stdout.write(`${JSON.stringify(PRESETS, null, 2)}\n`);
    else process.stdout.write(`${table(['preset', 'what it shows'], PRESETS.map((p) => [p.name, p.summary]))}\n`);
    return EXIT.ok;
  },
};

export const backendsCommand: Command = {
  name: 'backends',
  summary: 'list every training backend, whether it loads here, and why not',
  help: `Usage: mtrl backends [--json] [--threads N]

Probes each backend in the order "auto" tries them.
      --json       print the list as JSON
      --threads N  BLAS threads to report for the native backend`,
  options: { json: { type: 'boolean' }, threads: { type: 'string' } },
  async run(values) {
    const statuses = await listBackends(values.threads ? Number(values.threads) : 0);
    if (values.json) process.stdout.write(`${JSON.stringify(statuses, null, 2)}\n`);
    else
      process.stdout.write(
        `${table(
          ['backend', 'status', 'details'],
          statuses.map((s) => [s.name, s.available ? 'available' : 'unavailable', s.reason]),
        )}\n`,
      );
    return EXIT.ok;
  },
};
