import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import type { AdpConfig } from '../../domain/config.js';
import { alertPolicy } from '../../domain/notify/notifications-config.js';
import type { LineageSources } from '../../ports/lineage.js';
import type { OutboxCounts } from '../../ports/outbox-store.js';
import { startAlertEvaluator } from '../../notify/alert-evaluator.js';
import { deliverRunEntries } from '../../notify/deliver-run-entries.js';
import type { DispatcherDeps } from '../../notify/dispatcher-deps.js';
import { policyDirectory } from '../../notify/destination-directory.js';
import { startDispatcher } from '../../notify/dispatcher.js';
import { AdapterDestinations, type AdapterDestinationsOptions } from './destinations.js';
import type { Project } from '../project.js';

/** Options of {@link startNotifications}. */
export interface NotificationOptions extends AdapterDestinationsOptions {
  /** How often longRunning, missedSchedule and stale are checked (default 30 s). */
  readonly evaluateEveryMs?: number;
}

/** The outbox dispatcher and the alert evaluator of one `adp serve` process. */
export interface NotificationsHandle {
  /** Deliver now (call after a run finished) instead of at the next poll. */
  wake(): void;
  /** Stops both loops after their current round, then closes the adapters. */
  stop(): Promise<void>;
}

/**
 * Dispatcher dependencies over the project's state store, with adapters for
 * every destination type: destinations looked up in the project's config and
 * definitions, secret references read from the home and this process's environment.
 */
export function projectDispatcherDeps(project: Project, options: AdapterDestinationsOptions = {}): DispatcherDeps {
  return {
    outbox: project.state,
    destinations: new AdapterDestinations({ secrets: { home: project.home.root }, ...options }),
    directory: policyDirectory(alertPolicy(project.config), project.state),
    clock: project.clock,
    lineage: lineageSources(project),
    settings: project.config.outbox,
    owner: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    log: options.log,
  };
}

/** What OpenLineage events are built from: the project's catalog, object URIs, runs and scripts repository. */
function lineageSources(project: Project): LineageSources {
  return { catalog: project.catalog, objects: project.objects, runs: project.state, scripts: { repoUrl: scriptsRepoUrl(project.home.root, project.config), branch: project.config.scripts.branch } };
}

/** The scripts repository as a URI, without any credentials a clone URL may carry. */
export function scriptsRepoUrl(home: string, config: Pick<AdpConfig, 'scripts' | 'aws'>): string {
  const { url, codecommit, dir } = config.scripts;
  if (url) {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  }
  if (codecommit) return config.aws?.region ? `https://git-codecommit.${config.aws.region}.amazonaws.com/v1/repos/${codecommit}` : `codecommit://${codecommit}`;
  return pathToFileURL(path.resolve(home, dir)).toString();
}

/**
 * Starts delivering the outbox and evaluating periodic alerts, for `adp serve`.
 *
 * @example
 * const notifications = startNotifications(project, { log: (line) => io.err(line) });
 * // after each run: notifications.wake();
 * // on shutdown, after the scheduler stopped and before project.close():
 * await notifications.stop();
 */
export function startNotifications(project: Project, options: NotificationOptions = {}): NotificationsHandle {
  const deps = projectDispatcherDeps(project, options);
  const dispatcher = startDispatcher(deps);
  const evaluator = startAlertEvaluator(
    { state: project.state, outbox: project.state, clock: project.clock, policy: alertPolicy(project.config) },
    { intervalMs: options.evaluateEveryMs, log: options.log },
  );
  return {
    wake: () => dispatcher.wake(),
    async stop() {
      await Promise.all([dispatcher.stop(), evaluator.stop()]);
      await deps.destinations.close();
    },
  };
}

/**
 * For `adp run --wait`: delivers the run's own outbox entries, waiting at
 * most `outbox.runWaitSeconds`; what is left is delivered by `adp serve`.
 */
export async function deliverRunNotifications(
  project: Project,
  executionName: string,
  options: AdapterDestinationsOptions = {},
): Promise<OutboxCounts> {
  const deps = projectDispatcherDeps(project, options);
  try {
    return await deliverRunEntries(deps, executionName, project.config.outbox.runWaitSeconds * 1000);
  } finally {
    await deps.destinations.close();
  }
}
