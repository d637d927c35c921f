import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { BackendFigures, benchBackend, flopsPerRound, sgemmGflops, WORKLOADS } from '../lab/bench';
import { BACKEND_NAMES, BackendName, probe } from '../lab/backends/registry';
import type { Command } from './command';
import { EXIT, UsageError } from './errors';
import { fixed, table } from './format';

function parseBackends(text: string | undefined): BackendName[] | null {
  if (!text) return null;
  const names = text.split(',').map((s) => s.trim());
  for (const n of names)
    if (!(BACKEND_NAMES as readonly string[]).includes(n)) throw new UsageError(`--backends: unknown backend "${n}" (known: ${BACKEND_NAMES.join(', ')})`);
  return names as BackendName[];
}

function positiveInt(text: unknown, name: string, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isInteger(v) || v < 0 || v > max) throw new UsageError(`${name} must be an integer in [0, ${max}]; got ${JSON.stringify(text)}`);
  return v;
}

/** Each backend runs in its own process so its peak memory is its own and nothing it leaves behind skews the next. */
function benchInChild(name: BackendName, workload: string, rounds: number, maxRoundSeconds: number, threads: number): Promise<BackendFigures> {
  const bin = path.resolve(__dirname, '..', '..', 'bin', 'mtrl.js');
  const args = [bin, 'bench', '--worker', name, '--workload', workload, '--rounds', String(rounds), '--max-round-seconds', String(maxRoundSeconds), '--threads', String(threads)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(out) as BackendFigures);
      else reject(new Error(`${name} benchmark failed (exit ${code}): ${err.trim().split('\n').pop()}`));
    });
  });
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'time a pretraining round on each backend against the same-shape sgemm floor',
  help: `Usage: mtrl bench [--workload NAME] [--backends a,b] [--json]

Workloads: ${Object.entries(WORKLOADS)
    .map(([k, s]) => `${k} (d ${s.d}, m ${s.m}, T ${s.T}, n ${s.n})`)
    .join(', ')}.
For each backend: median milliseconds per alternating round after a warm-up, GFLOP/s from the model's
FLOPs, peak resident memory of its own process, and the round time as a ratio to the floor
(FLOPs per round / sgemm rate measured at the same shape in this run). Event-loop lag p99 is measured
on the main thread while the native backend trains. A backend too slow for the shape is timed at a
smaller T (the round cost is linear in T) and marked as such.
  -w, --workload NAME          default | wide | large (default: default)
      --backends LIST          comma-separated (default: every backend that loads)
      --rounds N               timed rounds per backend (default 7)
      --max-round-seconds S    time budget of one round before T is scaled down (default 20)
      --threads N              BLAS threads for native and sgemm (0 = all cores)
      --json                   print one JSON object`,
  options: {
    workload: { type: 'string', short: 'w' },
    backends: { type: 'string' },
    rounds: { type: 'string' },
    'max-round-seconds': { type: 'string' },
    threads: { type: 'string' },
    json: { type: 'boolean' },
    worker: { type: 'string' },
  },
  async run(values) {
    const workload = (values.workload as string | undefined) ?? 'default';
    const shape = WORKLOADS[workload];
    if (!shape) throw new UsageError(`--workload: unknown workload "${workload}" (known: ${Object.keys(WORKLOADS).join(', ')})`);
    const rounds = Math.max(1, positiveInt(values.rounds, '--rounds', 7, 1000));
    const maxRoundSeconds = Math.max(1, positiveInt(values['max-round-seconds'], '--max-round-seconds', 20, 3600));
    const threads = positiveInt(values.threads, '--threads', 0, 1024);
    if (values.worker) {
      const name = parseBackends(values.worker as string)![0];
      process.stdout.write(`${JSON.stringify(await benchBackend(name, shape, { rounds, maxRoundSeconds, threads }))}\n`);
      return EXIT.ok;
    }
    let names = parseBackends(values.backends as string | undefined);
    const statuses = await Promise.all((names ?? [...BACKEND_NAMES]).map((n) => probe(n, threads)));
    const unavailable = statuses.filter((s) => !s.available);
    if (names && unavailable.length) throw new UsageError(`--backends: ${unavailable.map((s) => `${s.name} is unavailable (${s.reason})`).join('; ')}`);
    names = statuses.filter((s) => s.available).map((s) => s.name as BackendName);
    const flops = flopsPerRound(shape);
    const measured: BackendFigures[] = [];
    for (const name of names) {
      if (!values.json) process.stderr.write(`timing ${name} on ${workload}…\n`);
      measured.push(await benchInChild(name, workload, rounds, maxRoundSeconds, threads));
    }
    const sgemm = measured.find((f) => f.sgemmGflops)?.sgemmGflops ?? (await sgemmGflops(shape, threads));
    const floorMs = sgemm ? (flops / (sgemm * 1e9)) * 1000 : null;
    const figures = measured.map(({ sgemmGflops: _s, ...f }) => ({ ...f, ratioToSgemmFloor: floorMs ? f.msPerRound / floorMs : null }));
    const native = figures.find((f) => f.name === 'native');
    const result = {
      workload,
      shape,
      flopsPerRound: flops,
      sgemmGflops: sgemm,
      backends: figures.map(({ eventLoopLagP99Ms: _lag, ...f }) => f),
      eventLoopLagP99Ms: native?.eventLoopLagP99Ms ?? null,
      speedupOfNative: native ? Object.fromEntries(figures.filter((f) => f !== native).map((f) => [f.name, f.msPerRound / native.msPerRound])) : null,
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return EXIT.ok;
    }
    const lines = [
      `workload ${workload}: d ${shape.d}, m ${shape.m}, T ${shape.T}, n ${shape.n}; ${(flops / 1e9).toFixed(2)} GFLOP per round`,
      `same-shape sgemm: ${sgemm ? `${fixed(sgemm, 1)} GFLOP/s` : 'unavailable (native addon not built)'}`,
      '',
      table(
        ['backend', 'ms/round', 'GFLOP/s', '× sgemm floor', 'native speedup', 'peak RSS MB', 'timed'],
        figures.map((f) => [
          f.name,
          fixed(f.msPerRound, 1),
          fixed(f.gflops, 2),
          f.ratioToSgemmFloor === null ? '-' : fixed(f.ratioToSgemmFloor, 2),
          native && f !== native ? `${fixed(f.msPerRound / native.msPerRound, 1)}×` : '-',
          fixed(f.peakRssMB, 0),
          `${f.rounds} rounds${f.measuredAtT ? ` at T ${f.measuredAtT}, scaled` : ''}`,
        ]),
      ),
      '',
      `event-loop lag p99 during native training: ${native?.eventLoopLagP99Ms !== undefined ? `${fixed(native.eventLoopLagP99Ms, 2)} ms` : '-'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  },
};
