import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yauzl from 'yauzl';
import * as yazl from 'yazl';
import { migrate, SCHEMA_VERSION } from './manifest';
import { atomicWrite } from './fsutil';
import { isValidId, MANIFEST, newSessionId, SessionStore } from './store';

/** An archive is a zip: archive.json (format, sessions, SHA-256 and size per entry) and sessions/<id>/... */
export const ARCHIVE_FORMAT = 'mtrl-archive';
export const ARCHIVE_VERSION = 1;
export const DEFAULT_MAX_ARCHIVE_BYTES = 4 * 1024 ** 3;

export class ArchiveRefused extends Error {
  constructor(message: string) {
    super(`archive refused: ${message}`);
    this.name = 'ArchiveRefused';
  }
}

interface ArchiveIndex {
  format: string;
  version: number;
  created: string;
  sessions: string[];
  entries: Array<{ path: string; size: number; sha256: string }>;
}

function filesUnder(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...filesUnder(path.join(dir, e.name), rel));
    else if (e.isFile()) out.push(rel);
  }
  return out.sort();
}

export async function exportArchive(store: SessionStore, ids: string[], outFile: string): Promise<{ sessions: number; entries: number; bytes: number }> {
  if (ids.length === 0) throw new Error('name at least one session to export');
  const zip = new yazl.ZipFile();
  const index: ArchiveIndex = { format: ARCHIVE_FORMAT, version: ARCHIVE_VERSION, created: new Date().toISOString(), sessions: [], entries: [] };
  for (const id of [...new Set(ids)]) {
    const m = store.read(id);
    if (m.status === 'running') throw new Error(`session ${id} is still running; export it when it ends`);
    index.sessions.push(id);
    for (const rel of filesUnder(store.dir(id))) {
      const data = fs.readFileSync(path.join(store.dir(id), rel));
      const entry = `sessions/${id}/${rel}`;
      index.entries.push({ path: entry, size: data.length, sha256: createHash('sha256').update(data).digest('hex') });
      zip.addBuffer(data, entry);
    }
  }
  zip.addBuffer(Buffer.from(JSON.stringify(index, null, 2)), 'archive.json');
  zip.end();
  const tmp = `${outFile}.${randomBytes(4).toString('hex')}.partial`;
  await new Promise<void>((resolve, reject) => {
    const out = fs.createWriteStream(tmp);
    zip.outputStream.pipe(out).on('close', resolve).on('error', reject);
  });
  fs.renameSync(tmp, outFile);
  return { sessions: index.sessions.length, entries: index.entries.length, bytes: fs.statSync(outFile).size };
}

/** Names are checked as raw bytes, before any path is built from them. */
function checkEntryName(name: string): void {
  if (name.length === 0 || name.length > 1024) throw new ArchiveRefused(`entry name of length ${name.length} is not allowed`);
  if (name.includes('\\') || name.includes('\0')) throw new ArchiveRefused(`entry "${name}" contains a backslash or NUL`);
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw new ArchiveRefused(`entry "${name}" has an absolute path`);
  if (name.split('/').some((part) => part === '..' || part === '.')) throw new ArchiveRefused(`entry "${name}" contains "." or ".." segments`);
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: false }, (err, zip) =>
      err || !zip ? reject(new ArchiveRefused(`not a readable zip archive (${err?.message ?? 'unknown error'})`)) : resolve(zip),
    ),
  );
}

function readEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      entries.push(e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (e: Error) => reject(new ArchiveRefused(`corrupt zip (${e.message})`)));
    zip.readEntry();
  });
}

function entryName(e: yauzl.Entry): string {
  const raw = e.fileName as unknown as Buffer | string;
  return Buffer.isBuffer(raw) ? raw.toString((e.generalPurposeBitFlag & 0x800) !== 0 ? 'utf8' : 'latin1') : raw;
}

function readEntry(zip: yauzl.ZipFile, e: yauzl.Entry, budget: { left: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(e, (err, stream) => {
      if (err || !stream) return reject(new ArchiveRefused(`entry ${entryName(e)} cannot be read (${err?.message})`));
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => {
        budget.left -= c.length;
        // Counted while inflating, so a lying size header cannot get past the limit.
        if (budget.left < 0) {
          stream.destroy();
          reject(new ArchiveRefused('uncompressed content exceeds the size limit'));
        } else chunks.push(c);
      });
      stream.on('error', (x: Error) => reject(new ArchiveRefused(`entry ${entryName(e)} is corrupt (${x.message})`)));
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

export interface ImportOptions {
  maxBytes?: number;
  /** On an id already in the store: false (default) keeps both, giving the new one a fresh id; true skips it. */
  skipExisting?: boolean;
}

export interface ImportReport {
  imported: Array<{ id: string; from: string }>;
  skipped: string[];
}

/**
 * Verifies the whole archive before anything reaches the store: entry names, symlinks, duplicates, sizes
 * (declared and actual), checksums and schema versions. Sessions are unpacked in a staging folder inside
 * the store and moved in one rename each, so a refused archive changes nothing.
 */
export async function importArchive(store: SessionStore, file: string, opts: ImportOptions = {}): Promise<ImportReport> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_ARCHIVE_BYTES;
  const zip = await openZip(file);
  try {
    const entries = await readEntries(zip);
    const names = new Set<string>();
    let declared = 0;
    for (const e of entries) {
      const name = entryName(e);
      checkEntryName(name);
      if (names.has(name)) throw new ArchiveRefused(`duplicate entry "${name}"`);
      names.add(name);
      const mode = (e.externalFileAttributes >>> 16) & S_IFMT;
      if (mode === S_IFLNK) throw new ArchiveRefused(`entry "${name}" is a symbolic link`);
      declared += e.uncompressedSize;
    }
    if (declared > maxBytes) throw new ArchiveRefused(`declared uncompressed size ${declared} bytes exceeds the limit of ${maxBytes}`);
    const byName = new Map(entries.map((e) => [entryName(e), e]));
    const indexEntry = byName.get('archive.json');
    if (!indexEntry) throw new ArchiveRefused('no archive.json (not an MTRL Lab archive)');
    const budget = { left: maxBytes };
    let index: ArchiveIndex;
    try {
      index = JSON.parse((await readEntry(zip, indexEntry, budget)).toString('utf8'));
    } catch (e) {
      if (e instanceof ArchiveRefused) throw e;
      throw new ArchiveRefused('archive.json is not valid JSON');
    }
    if (index.format !== ARCHIVE_FORMAT) throw new ArchiveRefused(`archive.json format "${index.format}" is not ${ARCHIVE_FORMAT}`);
    if (index.version !== ARCHIVE_VERSION) throw new ArchiveRefused(`archive version ${index.version} is not supported (this app reads ${ARCHIVE_VERSION})`);
    if (!Array.isArray(index.sessions) || !Array.isArray(index.entries)) throw new ArchiveRefused('archive.json lacks its sessions or entries list');
    for (const id of index.sessions) if (typeof id !== 'string' || !isValidId(id)) throw new ArchiveRefused(`"${id}" is not a valid session id`);
    const listed = new Set(index.entries.map((e) => e.path));
    for (const name of names) if (name !== 'archive.json' && !name.endsWith('/') && !listed.has(name)) throw new ArchiveRefused(`entry "${name}" is not listed in archive.json`);
    for (const e of index.entries) {
      checkEntryName(String(e.path));
      const [top, id, ...rest] = String(e.path).split('/');
      if (top !== 'sessions' || !index.sessions.includes(id) || rest.length === 0) throw new ArchiveRefused(`entry "${e.path}" is outside sessions/<listed id>/`);
      if (!byName.has(e.path)) throw new ArchiveRefused(`entry "${e.path}" is listed but missing`);
    }

    const staging = path.join(store.root, `.import-${randomBytes(6).toString('hex')}`);
    fs.mkdirSync(staging);
    try {
      for (const e of index.entries) {
        const data = await readEntry(zip, byName.get(e.path)!, budget);
        if (data.length !== e.size || createHash('sha256').update(data).digest('hex') !== e.sha256)
          throw new ArchiveRefused(`checksum mismatch for "${e.path}"`);
        const target = path.join(staging, ...e.path.split('/').slice(1));
        if (!target.startsWith(staging + path.sep)) throw new ArchiveRefused(`entry "${e.path}" escapes the archive`);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, data);
      }
      const report: ImportReport = { imported: [], skipped: [] };
      const plans: Array<{ from: string; to: string; manifest: ReturnType<typeof migrate> }> = [];
      for (const id of index.sessions) {
        const manifestFile = path.join(staging, id, MANIFEST);
        if (!fs.existsSync(manifestFile)) throw new ArchiveRefused(`session ${id} has no manifest`);
        let manifest;
        try {
          manifest = migrate(JSON.parse(fs.readFileSync(manifestFile, 'utf8')));
        } catch (e) {
          throw new ArchiveRefused(`session ${id}: ${(e as Error).message}`);
        }
        if (manifest.id !== id) throw new ArchiveRefused(`session folder ${id} holds the manifest of ${manifest.id}`);
        if (store.exists(id) && opts.skipExisting) {
          report.skipped.push(id);
          continue;
        }
        plans.push({ from: id, to: store.exists(id) ? newSessionId() : id, manifest });
      }
      for (const p of plans) {
        const m = { ...p.manifest, id: p.to, schemaVersion: SCHEMA_VERSION, writer: null, status: p.manifest.status === 'running' ? ('interrupted' as const) : p.manifest.status };
        atomicWrite(path.join(staging, p.from, MANIFEST), `${JSON.stringify(m, null, 2)}\n`);
        fs.renameSync(path.join(staging, p.from), store.dir(p.to));
        report.imported.push({ id: p.to, from: p.from });
      }
      return report;
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  } finally {
    zip.close();
  }
}
