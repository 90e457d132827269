import type { SessionUser } from '../services/auth.ts';

/** What middleware puts on the context for the handlers. */
export interface AppEnv {
  Variables: {
    user: SessionUser | null;
    /** The route a valid signed read-only link opens (a briefing link in a group message), if any. */
    signedLink?: string;
  };
}
