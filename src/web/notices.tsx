import { useEffect, useState } from 'preact/hooks';

export interface Notice {
  readonly id: number;
  readonly kind: 'info' | 'error';
  readonly text: string;
  readonly link?: { readonly href: string; readonly label: string };
}

let nextId = 1;
const listeners = new Set<(n: Notice[]) => void>();
let notices: Notice[] = [];

function publish(list: Notice[]): void {
  notices = list;
  for (const l of listeners) l(notices);
}

/** Shows a short message (read out by screen readers) for a few seconds. */
export function announce(text: string, kind: Notice['kind'] = 'info', link?: Notice['link']): void {
  const notice = { id: nextId++, kind, text, link };
  publish([...notices.slice(-3), notice]);
  setTimeout(() => publish(notices.filter((n) => n.id !== notice.id)), kind === 'error' ? 10_000 : 6000);
}

export function Notices() {
  const [list, setList] = useState(notices);
  useEffect(() => {
    listeners.add(setList);
    return () => void listeners.delete(setList);
  }, []);
  return (
    <div class="notices" role="status" aria-live="polite">
      {list.map((n) => (
        <p key={n.id} class={`notice notice-${n.kind}`}>
          {n.text}
          {n.link && (
            <>
              {' '}
              <a href={n.link.href}>{n.link.label}</a>
            </>
          )}
          <button type="button" class="notice-close" aria-label="Dismiss" onClick={() => publish(notices.filter((x) => x.id !== n.id))}>
            ×
          </button>
        </p>
      ))}
    </div>
  );
}
