import * as path from 'node:path';
import { SessionStore } from '../lab/sessions/store';

/** --sessions DIR, else MTRL_SESSIONS, else the platform's data directory (XDG on Linux). */
export function sessionsRoot(flag: unknown): string {
  if (typeof flag === 'string' && flag) return path.resolve(flag);
  if (process.env.MTRL_SESSIONS) return path.resolve(process.env.MTRL_SESSIONS);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const envPaths = require('env-paths') as (name: string, opts: { suffix: string }) => { data: string };
  return path.join(envPaths('mtrl-lab', { suffix: '' }).data, 'sessions');
}

export function openStore(flag: unknown): SessionStore {
  return new SessionStore(sessionsRoot(flag));
}

export const SESSIONS_OPTION = { sessions: { type: 'string' } } as const;
export const SESSIONS_HELP = '      --sessions DIR        the session store (default: $MTRL_SESSIONS, else the platform data folder)';
