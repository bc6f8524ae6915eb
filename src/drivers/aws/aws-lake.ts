import type { QueryEngine } from '../../ports/query-engine.js';
import type { ScriptRepo } from '../../ports/script-repo.js';
import type { Lake } from '../project.js';
import { clientConfig, type AwsSettings } from './settings.js';

/**
 * The sample's lake around a scripts repository already opened: tables in
 * Glue, objects in S3, queries on Athena (its SDK loaded on first use).
 */
export async function awsLake(settings: AwsSettings, scripts: ScriptRepo): Promise<Lake> {
  const sdk = clientConfig(settings);
  const [{ GlueCatalog }, { S3ObjectStore }] = await Promise.all([
    import('../../adapters/aws/glue/glue-catalog.js'),
    import('../../adapters/aws/s3/s3-object-store.js'),
  ]);
  const catalog = new GlueCatalog({ clientConfig: sdk });
  const objects = new S3ObjectStore({ clientConfig: sdk, ...(settings.kmsKeyId ? { kmsKeyId: settings.kmsKeyId } : {}) });
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
