import { useEffect, useState } from 'preact/hooks';
import { formatRelative, viewerZone } from '../format.js';
import { useLive } from '../live.js';
import { href } from '../router.js';

/** Title, where times are shown, whether live updates flow, and log out. */
export function AppHeader() {
  const live = useLive();
  const [, tick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 5000);
    return () => clearInterval(t);
  }, []);
  const running = live.active.filter((r) => r.status === 'running').length;
  const queued = live.active.length - running;
  return (
    <header class="app-header">
      <a class="brand" href={href.overview()}>
        <img src="/assets/favicon.svg" alt="" width={24} height={24} />
        adp
      </a>
      <nav aria-label="Main">
        <a href={href.overview()}>Overview</a>
        <a href={href.graph()}>Dependencies</a>
        <a href={href.api()}>API</a>
      </nav>
      <div class="header-status">
        <span class={`live-dot ${live.offline ? 'off' : 'on'}`} aria-hidden="true" />
        <span>
          {live.offline
            ? 'Server unreachable, retrying'
            : `${running} running · ${queued} queued${live.updatedAt ? ` · updated ${formatRelative(live.updatedAt)}` : ''}`}
        </span>
        <span class="muted">Times in {viewerZone}</span>
        <form method="post" action="/logout">
          <button type="submit" class="btn btn-small btn-ghost">
            Log out
          </button>
        </form>
      </div>
    </header>
  );
}
