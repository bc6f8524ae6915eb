import { systemClock } from '../adapters/system/system-clock.js';
import type { AdpConfig } from '../domain/config.js';
import type { HomeLayout } from './common/home.js';
import { loadConfig } from './common/load-config.js';
import { composeProject } from './common/compose-project.js';
import { awsDriver } from './aws/index.js';
import { embeddedDriver } from './embedded/index.js';
import { postgresDriver } from './postgres/index.js';
import type { DriverModule, DriverName, OpenOptions, Project, StateBackend } from './project.js';

const DRIVERS: Readonly<Record<DriverName, DriverModule>> = { embedded: embeddedDriver, postgres: postgresDriver, aws: awsDriver };

/**
 * Opens the project of a home with the driver its `adp.config.json` names.
 * The one place that picks a driver: commands and servers get ports only.
 *
 * @example
 * const project = await openProject(resolveHome(undefined));
 * try { console.log(await project.state.listCurations()); } finally { await project.close(); }
 */
export async function openProject(home: HomeLayout, options: OpenOptions = {}): Promise<Project> {
  const config = await loadConfig(home.config);
  return openProjectWith(home, config, options);
}

/** {@link openProject} with a config already read (init, tests). */
export async function openProjectWith(home: HomeLayout, config: AdpConfig, options: OpenOptions = {}): Promise<Project> {
  const clock = options.clock ?? systemClock;
  const driver = DRIVERS[config.driver];
  const headStart = options.runsQueries ? driver.startQueries?.() : undefined;
  let backend: StateBackend | undefined;
  try {
    backend = await driver.openState(home, config, { ...options, clock });
    const lake = await driver.openLake(home, config, backend, { ...options, clock, headStart });
    return composeProject(driver.name, home, config, backend, lake, clock);
  } catch (e) {
    await headStart?.discard();
    await backend?.close();
    throw e;
  }
}
