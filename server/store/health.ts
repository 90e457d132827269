import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** A round trip to the database; throws when it is unreachable. */
export async function ping(db: Kysely<Database>): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
