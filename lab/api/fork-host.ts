import { fork } from 'node:child_process';
import * as path from 'node:path';
import type { FromWorker, ToWorker, WorkerPort } from './worker-protocol';

export const WORKER_SCRIPT = path.join(__dirname, 'run-worker.js');

/** A run worker in a forked Node process: browser mode and the tests. */
export function forkWorker(): WorkerPort {
  const child = fork(WORKER_SCRIPT, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
  return {
    pid: child.pid,
    send: (m: ToWorker) => void child.send(m),
    onMessage: (fn) => void child.on('message', (m) => fn(m as FromWorker)),
    onExit: (fn) => void child.on('exit', (code, signal) => fn(code, signal)),
    kill: () => void child.kill('SIGKILL'),
  };
}
