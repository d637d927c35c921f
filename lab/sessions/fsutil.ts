import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/** Writes a file so that readers see either the old content or the new, never a half-written one. */
export function atomicWrite(file: string, data: string | Uint8Array): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    if (typeof data === 'string') fs.writeSync(fd, data);
    else fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  syncDir(path.dirname(file));
}

export function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Directories cannot be opened for fsync on every platform (Windows); the rename is still atomic there.
  }
}

export function appendDurable(file: string, text: string, flush: boolean): void {
  const fd = fs.openSync(file, 'a');
  try {
    fs.writeSync(fd, text);
    if (flush) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Cross-process mutual exclusion by an O_EXCL lock file holding the owner's pid; a lock whose owner
 * died (or that is older than staleMs) is taken over, so a killed process never wedges the store.
 */
export async function withLock<T>(lockFile: string, fn: () => T | Promise<T>, timeoutMs = 10000, staleMs = 30000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = fs.openSync(lockFile, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        const owner = Number(fs.readFileSync(lockFile, 'utf8'));
        const age = Date.now() - fs.statSync(lockFile).mtimeMs;
        if ((owner && !pidAlive(owner)) || age > staleMs) fs.rmSync(lockFile, { force: true });
      } catch {
        // The owner released it between our checks; try again.
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockFile}`);
      await sleep(Math.min(50, 2 + attempt * 2) * (0.5 + Math.random()));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}
