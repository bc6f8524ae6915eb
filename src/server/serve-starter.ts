import type { ServerConfig } from '../domain/server-config.js';
import type { ScheduleStore } from '../ports/schedule-store.js';
import { resolveAuth } from './auth/tokens.js';
import { startHttpServer, type RunningServer } from './http-server.js';
import type { ApiPorts, RunLauncher } from './options.js';

/** What `adp serve` hands its HTTP side (a structural subset of its ServeContext). */
export interface ServeHttpContext {
  readonly project: ApiPorts & {
    readonly config: { readonly server: ServerConfig };
    readonly scheduling?: Pick<ScheduleStore, 'scheduledRuns'>;
  };
  readonly launcher: RunLauncher;
  readonly host: string;
  readonly port: number;
  readonly log: (line: string) => void;
  health(): { readonly status: string } & object;
  readonly service?: { readonly scheduler: { nextDue(curationType: string): Date | undefined } };
}

/** A scheduler event carrying the lag of a tick it fired. */
export interface LagEvent {
  readonly kind: string;
  readonly curationType?: string;
  readonly lagMs?: number;
}

/**
 * The API, metrics and dashboard as the HTTP side of `adp serve`: tokens from
 * `ADP_API_TOKEN` and the config's `server.tokens` (one is generated when
 * neither exists), the login URL printed by serve, `/healthz` answering the
 * server's health, next fire times from the running scheduler.
 *
 * @example
 * // src/cli/serve-http.ts
 * export const defaultHttpStarter: HttpStarter = (ctx) => startApiServer(ctx);
 */
export async function startApiServer(ctx: ServeHttpContext, env: NodeJS.ProcessEnv = process.env): Promise<RunningServer & { onSchedulerEvent(event: LagEvent): void }> {
  const settings = ctx.project.config.server;
  const auth = resolveAuth({ env, tokens: settings.tokens });
  const server = await startHttpServer({
    ports: ctx.project,
    launcher: ctx.launcher,
    host: ctx.host,
    port: ctx.port,
    bodyLimitBytes: settings.bodyLimitBytes,
    auth: {
      verifier: auth.verifier,
      // Only a token made up here goes into the printed URL: one from ADP_API_TOKEN is the operator's already, and logs keep what is printed.
      loginToken: auth.source === 'generated' ? auth.loginToken : undefined,
      authenticateReads: settings.authenticateReads,
      openHealthz: settings.openHealthz,
      openMetrics: settings.openMetrics,
    },
    health: () => ctx.health() as { status: string } & Record<string, unknown>,
    nextDue: ctx.service ? (type) => ctx.service!.scheduler.nextDue(type) : undefined,
    schedule: ctx.project.scheduling,
    onInternalError: (e) => ctx.log(`adp serve: HTTP internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
  });
  // Said once listening: a server that fails to start should print only why.
  if (auth.source === 'generated') ctx.log('adp serve: no ADP_API_TOKEN and no server.tokens in adp.config.json: made up a token for this run');
  return {
    ...server,
    onSchedulerEvent(event) {
      if (event.kind === 'fired' && event.curationType && event.lagMs !== undefined) server.metrics.recordScheduleLag(event.curationType, event.lagMs / 1000);
    },
  };
}
