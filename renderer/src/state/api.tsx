import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import type { ConsoleApi, RequestInput, RequestName, RequestOutput } from '../../../shared/contract';
import { ContractFailure } from '../../../shared/contract';
import { createApi } from '../api/transport';

interface ApiState {
  api: ConsoleApi;
  connected: boolean;
}

const ApiContext = createContext<ApiState | null>(null);

/** Provides the contract client; `api` may be injected (component tests use an in-memory fake). */
export function ApiProvider({ api: injected, children }: {
  /** A ready client; omitted in the app, where the transport is chosen at start. */
  api?: ConsoleApi;
  children: ReactNode;
}) {
  const [connected, setConnected] = useState(true);
  const api = useMemo(() => injected ?? createApi(setConnected), [injected]);
  return <ApiContext.Provider value={{ api, connected }}>{children}</ApiContext.Provider>;
}

export function useApi(): ApiState {
  const ctx = useContext(ApiContext);
  if (!ctx) throw new Error('useApi outside ApiProvider');
  return ctx;
}

/** Calls a request and throws a ContractFailure on a typed error, for code that prefers try/catch. */
export function useCall() {
  const { api } = useApi();
  return async <N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>> => {
    const r = await api.request(name, input);
    if (!r.ok) throw new ContractFailure(r.error);
    return r.value;
  };
}
