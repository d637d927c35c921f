import { api } from './api';
import type { ActiveRun, ClaimVerdict, EventPayloads, FinishedRun, JobEnded } from '../../lab/api/contract';
import type { HistoryPoint as Point } from '../../lab/train';

export type { ActiveRun, FinishedRun } from '../../lab/api/contract';
export type { HistoryPoint as Point } from '../../lab/train';

const MEASURE_BATCH_MS = 100;

/** Runs in flight and what they have measured so far, fed by the lab's events. */
class LiveRuns {
  active: ActiveRun[] = $state([]);
  history: Record<string, Record<number, Point[]>> = $state({});
  finishedRuns: Record<string, FinishedRun[]> = $state({});
  done: JobEnded[] = $state([]);
  claims: Record<string, ClaimVerdict[]> = $state({});
  sessionsVersion = $state(0);

  constructor() {
    api.on('queue:changed', (runs) => (this.active = runs));
    const update = (p: ActiveRun & { lastRun?: FinishedRun; claim?: ClaimVerdict }) => {
      const i = this.active.findIndex((r) => r.key === p.key);
      if (i >= 0) this.active[i] = { ...this.active[i], ...p };
      else this.active.push(p);
      // Push through the state proxy (not the raw array `??=` returns), or nothing that reads it updates.
      if (p.lastRun) this.finishedRuns[p.key] = [...(this.finishedRuns[p.key] ?? []), p.lastRun];
      if (p.claim) this.claims[p.key] = [...(this.claims[p.key] ?? []), p.claim];
    };
    api.on('run:progress', update);
    api.on('reproduce:progress', update);
    // Measurements can arrive a thousand a second (logEvery 1 on a small model); the charts take them in
    // batches, a few times a second, so drawing never falls behind the run.
    let pending: Array<EventPayloads['run:measure']> = [];
    const flush = () => {
      const batch = pending;
      pending = [];
      for (const m of batch) {
        if (!this.history[m.key]) this.history[m.key] = {};
        const byRun = this.history[m.key];
        if (!byRun[m.run]) byRun[m.run] = [];
        byRun[m.run].push(m.point);
      }
    };
    api.on('run:measure', (m) => {
      if (pending.push(m) === 1) setTimeout(flush, MEASURE_BATCH_MS);
    });
    const finish = (d: JobEnded) => {
      this.active = this.active.filter((r) => r.key !== d.key);
      this.done.unshift(d);
      this.sessionsVersion++;
    };
    api.on('run:done', finish);
    api.on('reproduce:done', finish);
    void api.request('runs:list').then((r) => (this.active = r));
  }

  eta(r: ActiveRun): number | null {
    if (!r.started || r.fraction <= 0.001) return null;
    const elapsed = (Date.now() - r.started) / 1000;
    return (elapsed * (1 - r.fraction)) / r.fraction;
  }
}

export const live = new LiveRuns();

