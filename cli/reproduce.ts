import * as path from 'node:path';
import { chooseBackend } from '../lab/backends/registry';
import { BACKEND_CHOICES, BackendChoice } from '../lab/schema';
import { writeReport } from '../lab/reproduce/report';
import { runSuite } from '../lab/reproduce/suite';
import { CLAIMS } from '../lab/reproduce/claims';
import type { Command } from './command';
import { EXIT, UsageError } from './errors';
import { ProgressBar } from './progress';
import { interruptible } from './run';
import { openStore, SESSIONS_HELP, SESSIONS_OPTION } from './store-option';

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary: "check each of the paper's claims: sweeps, figures and a self-contained report",
  help: `Usage: mtrl reproduce [--quick] [--claims 1,3] [--out DIR] [--backend NAME]

Claims:
${CLAIMS.map((c) => `  ${c.id}. ${c.title}${c.asserted ? '' : ' (reported)'}`).join('\n')}
Runs every claim's experiments (each run recorded as a session tagged "reproduce"), judges each
claim by its stated criterion, and writes DIR/report.html (figures inline, no network), every
figure as SVG and PNG under DIR/figures/, and DIR/claims.json.
      --quick               the small settings (a few minutes on the native backend)
      --claims LIST         comma-separated claim numbers (default: all)
  -o, --out DIR             where the report goes (default: ./mtrl-report)
  -b, --backend NAME        ${BACKEND_CHOICES.join(' | ')}
      --threads N           BLAS threads for the native backend
${SESSIONS_HELP}
      --json                print claims.json on stdout
  -q, --quiet               no progress bar`,
  options: {
    quick: { type: 'boolean' },
    claims: { type: 'string' },
    out: { type: 'string', short: 'o' },
    backend: { type: 'string', short: 'b' },
    threads: { type: 'string' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    ...SESSIONS_OPTION,
  },
  async run(values) {
    const backend = (values.backend as string | undefined) ?? 'auto';
    if (!(BACKEND_CHOICES as readonly string[]).includes(backend)) throw new UsageError(`--backend must be one of ${BACKEND_CHOICES.join(', ')}; got "${backend}"`);
    const threads = values.threads === undefined ? 0 : Number(values.threads);
    if (!Number.isInteger(threads) || threads < 0) throw new UsageError(`--threads must be an integer ≥ 0; got "${String(values.threads)}"`);
    let claims: number[] | undefined;
    if (values.claims !== undefined) {
      claims = String(values.claims).split(',').map((s) => Number(s.trim()));
      const bad = claims.filter((c) => !CLAIMS.some((k) => k.id === c));
      if (bad.length) throw new UsageError(`--claims: no claim "${bad.join(', ')}" (claims are ${CLAIMS.map((c) => c.id).join(', ')})`);
    }
    const out = path.resolve((values.out as string | undefined) ?? 'mtrl-report');
    const store = openStore(values.sessions);
    const chosen = await chooseBackend(backend as BackendChoice, threads);
    const progress = new ProgressBar(process.stderr, !values.quiet);
    progress.note(`backend: ${chosen.report.name} (${chosen.report.chosenBecause})`);
    const { signal, release } = interruptible(progress);
    try {
      const suite = await runSuite({
        quick: Boolean(values.quick),
        claims,
        store,
        chosen,
        signal,
        onProgress: (f, label) => progress.update(f, label),
        onClaim: (c) => progress.note(`claim ${c.id} (${c.title}): ${c.supported ? 'supported' : 'NOT supported'}${c.asserted ? '' : ' [reported]'} — ${c.explanation}`),
      });
      progress.done();
      const files = writeReport(out, suite);
      if (values.json) process.stdout.write(require('node:fs').readFileSync(files.json, 'utf8'));
      process.stderr.write(`report: ${files.html}\n`);
      return suite.status === 'cancelled' ? EXIT.cancelled : EXIT.ok;
    } finally {
      release();
    }
  },
};
