import type { Notification } from '../../domain/notify/events.js';
import { renderNotification } from '../../domain/notify/render.js';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Slack allows at most 10 fields per section. */
const FIELDS_PER_SECTION = 10;

/**
 * An incoming-webhook message: the title (also the notification text), the
 * facts as fields, and a button to the run's page when there is one.
 */
export function slackMessage(n: Notification): Record<string, unknown> {
  const { title, lines } = renderNotification(n);
  const fields = lines
    .filter(([label]) => label !== 'Run')
    .map(([label, value]) => ({ type: 'mrkdwn', text: `*${escape(label)}*\n${escape(value.slice(0, 1900))}` }));
  const blocks: Record<string, unknown>[] = [{ type: 'section', text: { type: 'mrkdwn', text: `*${escape(title)}*` } }];
  for (let i = 0; i < fields.length; i += FIELDS_PER_SECTION) blocks.push({ type: 'section', fields: fields.slice(i, i + FIELDS_PER_SECTION) });
  if (n.runUrl) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open run' }, url: n.runUrl }] });
  }
  return { text: n.runUrl ? `${title} <${n.runUrl}|open run>` : title, blocks };
}
