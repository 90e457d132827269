import type { Kysely } from 'kysely';

// Frozen: the coordinate system an Open311 client's points are in (WeChat and Amap send GCJ-02); a DingTalk robot's
// signing secret (加签) and a keyword robots may require in every message; and the deployment's own secrets (the
// key that signs read-only links), one row each, the same for every server of the deployment.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('crs', 'text', (c) => c.notNull().defaultTo('wgs84')).execute();
  await db.schema.alterTable('webhooks').addColumn('secret', 'text').execute();
  await db.schema.alterTable('webhooks').addColumn('keyword', 'text').execute();
  await db.schema
    .createTable('deployment_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('deployment_secrets').ifExists().execute();
  await db.schema.alterTable('webhooks').dropColumn('keyword').execute();
  await db.schema.alterTable('webhooks').dropColumn('secret').execute();
  await db.schema.alterTable('api_keys').dropColumn('crs').execute();
}
