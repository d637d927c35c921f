import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { exportArchive, importArchive } from '../lab/sessions/archive';
import { STATUSES } from '../lab/sessions/manifest';
import { resumeSession, rerunSession } from '../lab/sessions/record';
import { SessionListing, SessionStore } from '../lab/sessions/store';
import { metricsCsv } from '../lab/sessions/csv';
import type { Command } from './command';
import { EXIT, UsageError } from './errors';
import { table } from './format';
import { runRecorded } from './run';
import { openStore, SESSIONS_HELP, SESSIONS_OPTION } from './store-option';

function need(positionals: string[], count: number, usage: string): string[] {
  if (positionals.length < count) throw new UsageError(`usage: mtrl sessions ${usage}`);
  return positionals;
}

function summaryRow(s: SessionListing): string[] {
  if (s.damaged) return [s.id, 'damaged', '', '', s.reason];
  return [s.id, s.status, s.created, s.tags.join(','), s.name];
}

async function confirm(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

function parseSize(text: unknown): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(String(text).trim());
  if (!m) throw new UsageError(`--max-size must be a size like 500M or 2G; got "${String(text)}"`);
  return Math.floor(Number(m[1]) * { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g']);
}

type Sub = (store: SessionStore, args: string[], values: Record<string, unknown>) => Promise<number>;

const SUBCOMMANDS: Record<string, Sub> = {
  async list(store, _args, values) {
    let sessions = store.list();
    if (values.status) {
      if (![...STATUSES, 'damaged'].includes(values.status as string)) throw new UsageError(`--status must be one of ${[...STATUSES, 'damaged'].join(', ')}`);
      sessions = sessions.filter((s) => s.status === values.status);
    }
    if (values.tag) sessions = sessions.filter((s) => s.tags.includes(values.tag as string));
    if (values.json) process.stdout.write(`${JSON.stringify(sessions.map(({ dir: _d, ...s }) => s))}\n`);
    else process.stdout.write(sessions.length ? `${table(['id', 'status', 'created', 'tags', 'name'], sessions.map(summaryRow))}\n` : `no sessions in ${store.root}\n`);
    return EXIT.ok;
  },
  async show(store, args, values) {
    const [id] = need(args, 1, 'show ID');
    const m = store.read(id);
    const results = store.readResults(id);
    if (values.json) process.stdout.write(`${JSON.stringify({ ...m, results })}\n`);
    else {
      const lines = [
        `${m.id}  ${m.name}`,
        `status ${m.status}${m.error ? ` (${m.error})` : ''}; created ${m.created}${m.finished ? `, finished ${m.finished}` : ''}`,
        `tags: ${m.tags.join(', ') || '-'}`,
        `notes: ${m.notes || '-'}`,
        `backend: ${(m.environment.backend as { name?: string } | null)?.name ?? '-'}; ${m.environment.cpu} (${m.environment.cores} cores), ${m.environment.os}, node ${m.environment.node}`,
        `runs: ${m.runs.map((r) => `${r.index}:${r.status}`).join(' ')}`,
      ];
      if (results) for (const r of results.runs) lines.push(`  ${JSON.stringify(r.params)} seed ${r.seed}: sinTheta ${r.subspace.sinTheta.toFixed(3)}, energy ${r.subspace.energy.toFixed(3)}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return EXIT.ok;
  },
  async rename(store, args) {
    const [id, ...name] = need(args, 2, 'rename ID NAME');
    await store.update(id, (m) => (m.name = name.join(' ')));
    return EXIT.ok;
  },
  async tag(store, args, values) {
    const [id, ...tags] = need(args, 2, 'tag ID TAG... [--remove]');
    await store.update(id, (m) => {
      m.tags = values.remove ? m.tags.filter((t) => !tags.includes(t)) : [...new Set([...m.tags, ...tags])];
    });
    return EXIT.ok;
  },
  async note(store, args) {
    const [id, ...text] = need(args, 2, 'note ID TEXT');
    await store.update(id, (m) => (m.notes = text.join(' ')));
    return EXIT.ok;
  },
  async delete(store, args, values) {
    const [id] = need(args, 1, 'delete ID [--yes]');
    const m = store.read(id);
    if (!values.yes) {
      if (!process.stdin.isTTY) throw new UsageError(`refusing to delete ${id} without --yes (stdin is not a terminal to confirm on)`);
      if (!(await confirm(`delete session ${id} (${m.name})? [y/N] `))) {
        process.stderr.write('not deleted\n');
        return EXIT.ok;
      }
    }
    store.delete(id);
    process.stderr.write(`deleted ${id}\n`);
    return EXIT.ok;
  },
  async export(store, args, values) {
    need(args, 1, 'export ID... --out FILE.mtrl');
    if (typeof values.out !== 'string') throw new UsageError('mtrl sessions export needs --out FILE.mtrl');
    const r = await exportArchive(store, args, values.out);
    process.stderr.write(`wrote ${values.out}: ${r.sessions} sessions, ${r.entries} files, ${r.bytes} bytes\n`);
    return EXIT.ok;
  },
  async import(store, args, values) {
    const [file] = need(args, 1, 'import FILE.mtrl [--skip-existing] [--max-size SIZE]');
    if (!fs.existsSync(file)) throw new UsageError(`no such archive: ${file}`);
    const report = await importArchive(store, file, { skipExisting: Boolean(values['skip-existing']), maxBytes: parseSize(values['max-size']) });
    if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    for (const i of report.imported) process.stderr.write(`imported ${i.from}${i.id !== i.from ? ` as ${i.id} (the id was taken)` : ''}\n`);
    for (const s of report.skipped) process.stderr.write(`skipped ${s} (already in the store)\n`);
    return EXIT.ok;
  },
  async csv(store, args, values) {
    const [id] = need(args, 1, 'csv ID [--out FILE]');
    const text = metricsCsv(store, id);
    if (typeof values.out === 'string') fs.writeFileSync(values.out, text);
    else process.stdout.write(text);
    return EXIT.ok;
  },
};

export const sessionsCommand: Command = {
  name: 'sessions',
  summary: 'list, inspect, edit, export and import recorded sessions',
  help: `Usage: mtrl sessions SUBCOMMAND ...

  list [--json] [--status S] [--tag T]   every session; damaged folders are listed with the reason
  show ID [--json]                       manifest and results of one session
  rename ID NAME | tag ID TAG... [--remove] | note ID TEXT
  delete ID [--yes]                      asks for confirmation unless --yes
  export ID... --out FILE.mtrl           one zip holding the sessions and a SHA-256 per entry
  import FILE.mtrl [--skip-existing] [--max-size SIZE]
                                         verifies the archive, then adds its sessions; an id
                                         already present is kept and the import gets a new id
  csv ID [--out FILE]                    the metrics history as CSV
${SESSIONS_HELP}`,
  options: {
    ...SESSIONS_OPTION,
    json: { type: 'boolean' },
    status: { type: 'string' },
    tag: { type: 'string' },
    remove: { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
    out: { type: 'string', short: 'o' },
    'skip-existing': { type: 'boolean' },
    'max-size': { type: 'string' },
  },
  positionals: true,
  async run(values, positionals) {
    const [sub, ...args] = positionals;
    const fn = sub ? SUBCOMMANDS[sub] : undefined;
    if (!fn) throw new UsageError(`mtrl sessions: ${sub ? `unknown subcommand "${sub}"` : 'name a subcommand'} (${Object.keys(SUBCOMMANDS).join(', ')})`);
    return fn(openStore(values.sessions), args, values);
  },
};

/** resume and rerun: one session id in, what `mtrl run` prints out. */
function sessionRunCommand(name: string, summary: string, about: string, start: typeof resumeSession): Command {
  return {
    name,
    summary,
    help: `Usage: mtrl ${name} ID [--json]

${about}${about ? '\n' : ''}${SESSIONS_HELP}
      --json                print what mtrl run --json prints
  -q, --quiet               no progress bar`,
    options: { ...SESSIONS_OPTION, json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' } },
    positionals: true,
    async run(values, positionals) {
      const [id] = positionals;
      if (!id) throw new UsageError(`usage: mtrl ${name} ID`);
      const store = openStore(values.sessions);
      const m = store.read(id);
      return runRecorded(values, (opts) => start(store, id, opts), m.config.resolved);
    },
  };
}

export const resumeCommand = sessionRunCommand(
  'resume',
  'continue an interrupted or cancelled session from its last checkpoint',
  `Finished runs are kept; the interrupted run continues from its last checkpoint (parameters and
random-generator state), so the result equals an uninterrupted run with the same seed.`,
  resumeSession,
);

export const rerunCommand = sessionRunCommand('rerun', 'run a session again (same config and seeds) as a new session', '', rerunSession);
