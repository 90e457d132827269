/**
 * npm run backup -- <file>    a consistent copy of the running SQLite deployment, photos included, in one file
 * npm run restore -- <file>   puts such a copy back (stop the server first)
 * A PostgreSQL deployment is backed up with PostgreSQL's own tools (see the README).
 */
import path from 'node:path';
import { loadConfig } from '../config.ts';
import { backupSqlite, restoreSqlite } from '../store/backup.ts';

const [command, file] = process.argv.slice(2);
try {
  const config = loadConfig();
  if (!file || (command !== 'backup' && command !== 'restore')) {
    throw new Error(`Usage: npm run ${command === 'restore' ? 'restore' : 'backup'} -- <file>`);
  }
  if (config.databaseUrl) {
    throw new Error('DATABASE_URL is set: back up PostgreSQL with pg_dump / pg_basebackup and the photo folder with your file backup (see the README).');
  }
  const dbFile = path.join(config.dataDir, 'hotspots.sqlite');
  const photosDir = path.join(config.dataDir, 'photos');
  if (command === 'backup') {
    const s = await backupSqlite(dbFile, photosDir, path.resolve(file), new Date());
    console.log(`Backed up ${s.reports} reports and ${s.photoFiles} photo files to ${s.file} (${(s.bytes / 1e6).toFixed(1)} MB).`);
  } else {
    const s = restoreSqlite(path.resolve(file), dbFile, photosDir);
    console.log(`Restored ${s.reports} reports and ${s.photoFiles} photo files into ${config.dataDir}. Start the server again.`);
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
