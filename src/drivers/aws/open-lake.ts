import type { AdpConfig } from '../../domain/config.js';
import type { QueryEngine } from '../../ports/query-engine.js';
import type { HomeLayout } from '../common/home.js';
import { openScripts } from '../common/open-scripts.js';
import type { Lake, StateBackend } from '../project.js';
import { awsSettings, clientConfig } from './settings.js';

/**
 * The sample's lake: tables in Glue, objects in S3, queries on Athena, scripts
 * in CodeCommit (or any git remote, or the home's git folder). Each SDK loads
 * with its adapter, on first use.
 */
export async function openAwsLake(home: HomeLayout, config: AdpConfig, _backend: StateBackend, options: { env?: NodeJS.ProcessEnv }): Promise<Lake> {
  const settings = awsSettings(config, options.env ?? process.env);
  const sdk = clientConfig(settings);
  const [{ GlueCatalog }, { S3ObjectStore }] = await Promise.all([
    import('../../adapters/aws/glue/glue-catalog.js'),
    import('../../adapters/aws/s3/s3-object-store.js'),
  ]);
  const catalog = new GlueCatalog({ clientConfig: sdk });
  const objects = new S3ObjectStore({ clientConfig: sdk, ...(settings.kmsKeyId ? { kmsKeyId: settings.kmsKeyId } : {}) });
  const scripts = await openScripts(home, config, { env: options.env, region: settings.region });
  let engine: Promise<QueryEngine> | undefined;
  return {
    catalog,
    objects,
    scripts,
    queries() {
      engine ??= import('../../adapters/aws/athena/athena-query-engine.js').then(
        ({ AthenaQueryEngine }) =>
          new AthenaQueryEngine({
            objects,
            clientConfig: sdk,
            ...(settings.workGroup ? { workGroup: settings.workGroup } : {}),
            ...(settings.kmsKeyId ? { kmsKeyId: settings.kmsKeyId } : {}),
          }),
      );
      return engine;
    },
    async close() {
      const open = engine;
      engine = undefined;
      if (open) await (await open).close();
      await Promise.all([objects.close(), catalog.close()]);
    },
  };
}
