import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { ApiError, getJson, keyStore, setUnauthorizedHandler } from '../api/client.ts';
import type { Me } from '../api/types.ts';

/**
 * Who is signed in: the key's administration, role and the routes that role may call (`GET /v1/me`).
 * The screens and the navigation show only what those routes allow.
 */
interface Session {
  me: Me;
  can: (route: string) => boolean;
  signOut: () => void;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

export type SignedOutReason = 'none' | 'refused' | 'signed-out';

export function SessionProvider(props: {
  signIn: (reason: SignedOutReason, retry: (key: string) => void, message?: string) => ReactNode;
  loading: ReactNode;
  children: ReactNode;
}) {
  const client = useQueryClient();
  const [key, setKey] = useState(keyStore.get());
  const [refusal, setRefusal] = useState<{ reason: SignedOutReason; message?: string }>({ reason: 'none' });
  const me = useQuery({ queryKey: ['me', key], queryFn: () => getJson<Me>('/v1/me'), enabled: !!key });

  useEffect(() => {
    setUnauthorizedHandler((error: ApiError) => {
      keyStore.clear();
      client.clear();
      setKey(null);
      setRefusal({ reason: 'refused', message: error.message });
    });
  }, [client]);

  const retry = (next: string) => {
    keyStore.set(next);
    setRefusal({ reason: 'none' });
    setKey(next);
  };
  if (!key) return <>{props.signIn(refusal.reason, retry, refusal.message)}</>;
  if (me.isPending) return <>{props.loading}</>;
  if (me.isError) {
    const message = me.error instanceof ApiError ? me.error.message : String(me.error);
    return <>{props.signIn('refused', retry, message)}</>;
  }
  const session: Session = {
    me: me.data,
    can: (route) => me.data.routes.includes(route),
    signOut: () => {
      keyStore.clear();
      client.clear();
      setKey(null);
      setRefusal({ reason: 'signed-out' });
    },
  };
  return <SessionContext.Provider value={session}>{props.children}</SessionContext.Provider>;
}
