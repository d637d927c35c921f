import { utilityProcess } from 'electron';
import { WORKER_SCRIPT } from '../lab/api/fork-host';
import type { FromWorker, ToWorker, WorkerPort } from '../lab/api/worker-protocol';

/** A run worker in an Electron utility process: off the main process, so the window never stutters. */
export function utilityWorker(): WorkerPort {
  const child = utilityProcess.fork(WORKER_SCRIPT, [], { serviceName: 'MTRL Lab run', stdio: 'inherit' });
  return {
    get pid() {
      return child.pid;
    },
    send: (m: ToWorker) => child.postMessage(m),
    onMessage: (fn) => void child.on('message', (m: FromWorker) => fn(m)),
    onExit: (fn) => void child.on('exit', (code) => fn(code, null)),
    kill: () => void child.kill(),
  };
}
