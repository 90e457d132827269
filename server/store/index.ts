export { openStore, migrate, type Store, type Dialect, type StoreOptions } from './connect.ts';
export type * from './schema.ts';
