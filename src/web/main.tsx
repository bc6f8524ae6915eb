import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { onUnauthorized } from './api.js';
import { AppHeader } from './components/app-header.js';
import { LoginView } from './components/login-view.js';
import { LiveProvider } from './live.js';
import { Notices } from './notices.js';
import { CurationPage } from './pages/curation-page.js';
import { GraphPage } from './pages/graph-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { RunPage } from './pages/run-page.js';
import { ApiReferencePage } from './pages/api-reference-page.js';
import { useRoute, type Route } from './router.js';

function titleOf(route: Route): string {
  if (route.page === 'curation') return `adp · ${route.curationType}`;
  if (route.page === 'run') return `adp · run ${route.name.slice(0, 20)}`;
  if (route.page === 'api') return 'adp · API reference';
  return route.page === 'graph' ? 'adp · dependencies' : 'adp · curations';
}

function Page() {
  const route = useRoute();
  useEffect(() => {
    document.title = titleOf(route);
  }, [route]);
  if (route.page === 'curation') return <CurationPage key={route.curationType} curationType={route.curationType} />;
  if (route.page === 'run') return <RunPage key={route.name} name={route.name} />;
  if (route.page === 'graph') return <GraphPage />;
  if (route.page === 'api') return <ApiReferencePage />;
  return <OverviewPage />;
}

function App() {
  const loginFailed = new URLSearchParams(location.search).get('login') === 'failed';
  const [loggedOut, setLoggedOut] = useState(loginFailed);
  useEffect(() => onUnauthorized(() => setLoggedOut(true)), []);
  if (loggedOut) return <LoginView failed={loginFailed} />;
  return (
    <LiveProvider>
      <AppHeader />
      <Page />
      <Notices />
    </LiveProvider>
  );
}

// The skip link moves focus to the page heading without touching the hash (which holds the route).
document.querySelector('.skip-link')?.addEventListener('click', (e) => {
  e.preventDefault();
  document.querySelector<HTMLElement>('main h1')?.focus();
});

const root = document.getElementById('app')!;
root.textContent = '';
render(<App />, root);
