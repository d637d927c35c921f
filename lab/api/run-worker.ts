/**
 * Entry point of a run worker: trains off the UI's process so the interface never stutters. Runs under
 * child_process.fork (browser mode, tests) or Electron's utilityProcess (the desktop app).
 */
import { chooseBackend } from '../backends/registry';
import { writeReport } from '../reproduce/report';
import { runSuite } from '../reproduce/suite';
import type { BackendChoice } from '../schema';
import { recordExperiment } from '../sessions/record';
import { SessionStore } from '../sessions/store';
import type { FromWorker, ToWorker } from './worker-protocol';

interface ParentPort {
  postMessage(m: FromWorker): void;
  on(event: 'message', fn: (e: { data: ToWorker } | ToWorker) => void): void;
}

const electronPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
const post = (m: FromWorker) => (electronPort ? electronPort.postMessage(m) : process.send?.(m));
const controller = new AbortController();
let busy = false;

// Rounds take milliseconds; a message per round floods the UI's event loop (and a slow renderer falls
// minutes behind), so progress goes out at most every PROGRESS_MS, and always at a run's first and last round.
const PROGRESS_MS = 100;
let lastProgress = 0;
function progressDue(always: boolean): boolean {
  const now = Date.now();
  if (!always && now - lastProgress < PROGRESS_MS) return false;
  lastProgress = now;
  return true;
}

async function handle(msg: ToWorker): Promise<void> {
  if (msg.type === 'cancel') {
    controller.abort();
    return;
  }
  if (busy) {
    post({ type: 'error', message: 'this worker is already running a job' });
    return;
  }
  busy = true;
  try {
    const store = new SessionStore(msg.sessionsRoot);
    if (msg.type === 'run') {
      const chosen = await chooseBackend(msg.config.backend, msg.config.threads);
      post({ type: 'backend', name: chosen.report.name, reason: chosen.report.chosenBecause });
      const { result } = await recordExperiment(store, msg.given, msg.config, {
        name: msg.name,
        tags: msg.tags,
        chosen,
        signal: controller.signal,
        onSession: (m) => post({ type: 'session', id: m.id }),
        hooks: {
          onProgress: (p) => progressDue(p.round <= 1 || p.round >= p.rounds) && post({ type: 'progress', run: p.run, runs: p.runs, round: p.round, rounds: p.rounds }),
          onMeasure: (run, point) => post({ type: 'measure', run, point }),
          onRunDone: (run, r) => post({ type: 'runDone', run, status: r.status, sinTheta: r.subspace.sinTheta, energy: r.subspace.energy, params: r.params, seed: r.seed }),
        },
      });
      post({ type: 'done', status: result.status });
    } else {
      const chosen = await chooseBackend(msg.backend as BackendChoice, 0);
      const suite = await runSuite({
        quick: msg.quick,
        claims: msg.claims,
        store,
        chosen,
        signal: controller.signal,
        onProgress: (fraction, label) => progressDue(fraction >= 1) && post({ type: 'suiteProgress', fraction, label }),
        onClaim: (c) => post({ type: 'claim', id: c.id, title: c.title, supported: c.supported, explanation: c.explanation }),
      });
      const files = writeReport(msg.out, suite);
      post({ type: 'done', status: suite.status, report: files.html });
    }
  } catch (e) {
    post({ type: 'done', status: 'failed', error: (e as Error).message });
  } finally {
    // The message must reach the parent before the process ends.
    setTimeout(() => process.exit(0), 50);
  }
}

const receive = (e: { data: ToWorker } | ToWorker) => void handle('data' in e && !('type' in e) ? e.data : (e as ToWorker));
if (electronPort) electronPort.on('message', receive);
else process.on('message', (m) => receive(m as ToWorker));
