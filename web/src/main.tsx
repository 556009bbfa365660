import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { getJson, keyStore, takeKeyFromFragment } from './api/client.ts';
import { App } from './app/App.tsx';
import { setupI18n } from './i18n/i18n.ts';
import { prefetchQueue } from './screens/queue/QueueScreen.tsx';

takeKeyFromFragment();
const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 5_000 } },
});
// The session and the first screen's data are asked for together, while the page starts.
const key = keyStore.get();
if (key) {
  void queryClient.prefetchQuery({ queryKey: ['me', key], queryFn: () => getJson('/v1/me') });
  if (location.pathname === '/queue') prefetchQueue(queryClient, new URLSearchParams(location.search));
}
await setupI18n();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
