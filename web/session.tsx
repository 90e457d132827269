import { createContext, useContext } from 'react';
import type { Me } from './api.ts';

export interface Session {
  user: Me;
  signOut(): void;
  navigate(path: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionContext');
  return s;
}
