import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

// One-file backups of a SQLite deployment: the database copied with SQLite's online backup API while the server
// runs, and the photo files stored inside the same file, so a backup is complete or absent, never half.

const PHOTOS = 'backup_photo_files';
const INFO = 'backup_info';

function* filesUnder(dir: string, base = dir): Generator<string> {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) yield* filesUnder(full, base);
    else if (e.isFile()) yield path.relative(base, full);
  }
}

export interface BackupSummary {
  file: string;
  bytes: number;
  reports: number;
  photoFiles: number;
}

/**
 * Copies the live database page by page (writers may go on meanwhile; the copy is one consistent moment), then
 * the photo files. Photos are written before any report refers to them and never change, so every photo the
 * copied database names is on disk when the files are read.
 */
export async function backupSqlite(dbFile: string, photosDir: string, target: string, now: Date): Promise<BackupSummary> {
  if (!fs.existsSync(dbFile)) throw new Error(`No database at ${dbFile}; check HOTSPOTS_DATA_DIR.`);
  const tmp = `${target}.partial`;
  fs.rmSync(tmp, { force: true });
  const live = new Database(dbFile, { fileMustExist: true });
  try {
    await live.backup(tmp);
  } finally {
    live.close();
  }
  const copy = new Database(tmp);
  try {
    copy.pragma('journal_mode = DELETE');
    copy.exec(`CREATE TABLE ${PHOTOS} (path TEXT PRIMARY KEY, data BLOB NOT NULL);
               CREATE TABLE ${INFO} (key TEXT PRIMARY KEY, value TEXT NOT NULL);`);
    const put = copy.prepare(`INSERT INTO ${PHOTOS} (path, data) VALUES (?, ?)`);
    let photoFiles = 0;
    const insertAll = copy.transaction(() => {
      for (const rel of filesUnder(photosDir)) {
        put.run(rel.split(path.sep).join('/'), fs.readFileSync(path.join(photosDir, rel)));
        photoFiles++;
      }
    });
    insertAll();
    copy.prepare(`INSERT INTO ${INFO} (key, value) VALUES ('format', 'hotspot-map backup 1'), ('created_at', ?)`).run(now.toISOString());
    const reports = (copy.prepare('SELECT COUNT(*) AS n FROM reports').get() as { n: number }).n;
    copy.close();
    // The backup holds everyone's data and password hashes: readable by its owner only.
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, target);
    return { file: target, bytes: fs.statSync(target).size, reports, photoFiles };
  } catch (err) {
    if (copy.open) copy.close();
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Puts a backup back: checks it, writes the photo files, and replaces the database file in one rename.
 * The server must be stopped (a running server would keep writing to the file it has open).
 */
export function restoreSqlite(backupFile: string, dbFile: string, photosDir: string): { reports: number; photoFiles: number } {
  const src = new Database(backupFile, { readonly: true, fileMustExist: true });
  let photoFiles = 0;
  const tmp = `${dbFile}.restoring`;
  try {
    const ok = src.pragma('integrity_check', { simple: true });
    if (ok !== 'ok') throw new Error(`The backup ${backupFile} is damaged: ${String(ok)}`);
    const format = src.prepare(`SELECT value FROM ${INFO} WHERE key = 'format'`).pluck().get() as string | undefined;
    if (format !== 'hotspot-map backup 1') throw new Error(`${backupFile} is not a hotspot map backup.`);
    fs.mkdirSync(photosDir, { recursive: true });
    const root = path.resolve(photosDir);
    for (const row of src.prepare(`SELECT path, data FROM ${PHOTOS}`).iterate() as Iterable<{ path: string; data: Buffer }>) {
      const out = path.resolve(root, row.path);
      if (!out.startsWith(root + path.sep)) throw new Error(`The backup names a photo outside the photo folder: ${row.path}`);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, row.data);
      photoFiles++;
    }
  } finally {
    src.close();
  }
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  fs.copyFileSync(backupFile, tmp);
  const db = new Database(tmp);
  db.exec(`DROP TABLE ${PHOTOS}; DROP TABLE ${INFO};`);
  db.exec('VACUUM');
  db.pragma('journal_mode = WAL');
  const reports = (db.prepare('SELECT COUNT(*) AS n FROM reports').get() as { n: number }).n;
  db.close();
  for (const suffix of ['-wal', '-shm']) fs.rmSync(dbFile + suffix, { force: true });
  fs.renameSync(tmp, dbFile);
  for (const suffix of ['-wal', '-shm']) fs.rmSync(tmp + suffix, { force: true });
  return { reports, photoFiles };
}
