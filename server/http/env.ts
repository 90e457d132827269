import type { SessionUser } from '../services/auth.ts';

/** What middleware puts on the context for the handlers. */
export interface AppEnv {
  Variables: {
    user: SessionUser | null;
  };
}
