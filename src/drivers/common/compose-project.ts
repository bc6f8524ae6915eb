import os from 'node:os';
import type { AdpConfig } from '../../domain/config.js';
import { alertPolicy } from '../../domain/notify/notifications-config.js';
import type { EngineDeps, RunEvent } from '../../engine/engine-deps.js';
import type { Clock } from '../../ports/clock.js';
import type { DriverName, Lake, Project, StateBackend } from '../project.js';
import type { HomeLayout } from './home.js';

/** A project from a driver's state backend and lake: the same for every driver. */
export function composeProject(driver: DriverName, home: HomeLayout, config: AdpConfig, backend: StateBackend, lake: Lake, clock: Clock): Project {
  return {
    driver,
    home,
    config,
    state: backend.state,
    scheduling: backend.scheduling,
    wake: backend.wake,
    describe: backend.describe,
    catalog: lake.catalog,
    objects: lake.objects,
    scripts: lake.scripts,
    clock,
    queries: () => lake.queries(),
    async deps(onEvent?: (event: RunEvent) => void): Promise<EngineDeps> {
      return {
        state: backend.state,
        queries: await lake.queries(),
        catalog: lake.catalog,
        objects: lake.objects,
        scripts: lake.scripts,
        clock,
        settings: { retry: config.retry, poll: config.poll },
        workerId: `${os.hostname()}:${process.pid}`,
        onEvent,
        alerts: alertPolicy(config),
      };
    },
    async close(): Promise<void> {
      try {
        await lake.close();
      } finally {
        await backend.close();
      }
    },
  };
}
