import * as z from 'zod';
import { destinationId, sinkSchema, type AnySinkDestinationSpec, type SinkConfig } from './destinations.js';
import { outboxSettingsSchema } from './outbox-settings.js';
import type { AlertPolicy } from './plan-run-alerts.js';
import { configRouteSchema, resolveRoute, type ConfigRouteInput } from './routes.js';

/**
 * The config's alerting fields: routes for every curation (or those listed
 * in `curations`), history sinks, the dashboard's public address for links,
 * and outbox delivery settings.
 */
export const notificationsConfigShape = {
  /** The dashboard's address as people reach it (links in notifications point there). */
  publicUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  notifications: z.array(configRouteSchema).default([]).superRefine(uniqueIds('notifications')),
  sinks: z.array(sinkSchema).default([]).superRefine(uniqueIds('sinks')),
  outbox: outboxSettingsSchema.default(outboxSettingsSchema.parse({})),
};

// Two destinations with one id would share one delivery order and one de-duplication record.
function uniqueIds(field: string) {
  return (items: readonly { type: string; name?: string }[], ctx: z.core.$RefinementCtx<readonly { type: string; name?: string }[]>) => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      if (!item.name) return;
      const id = destinationId(item);
      const first = seen.get(id);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `the name "${id}" is already used by ${field}[${first}]` });
      } else seen.set(id, i);
    });
  };
}

/** The config fields {@link alertPolicy} reads. */
export interface NotificationsConfig {
  readonly publicUrl?: string;
  readonly notifications: readonly ConfigRouteInput[];
  readonly sinks: readonly SinkConfig[];
}

/** Routes, sinks and links from the config, resolved once (destination ids computed). */
export function alertPolicy(config: NotificationsConfig): AlertPolicy {
  return {
    routes: config.notifications.map(resolveRoute),
    sinks: config.sinks.map(({ name, ...sink }) => ({ ...sink, id: destinationId({ ...sink, name }) }) as AnySinkDestinationSpec),
    publicUrl: config.publicUrl,
  };
}
