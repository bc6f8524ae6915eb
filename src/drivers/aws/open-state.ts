import type { AdpConfig } from '../../domain/config.js';
import type { Clock } from '../../ports/clock.js';
import type { HomeLayout } from '../common/home.js';
import type { StateBackend } from '../project.js';
import { awsSettings, clientConfig } from './settings.js';

/**
 * The sample's DynamoDB tables (`{prefix}curationDetails`,
 * `{prefix}curationHistory`) and adp's own beside them. The SDK loads only
 * here. Without `migrate` a missing table is an error that says to run
 * `adp migrate`, which creates what is missing and never touches what exists.
 */
export async function openAwsState(
  _home: HomeLayout,
  config: AdpConfig,
  options: { clock: Clock; migrate?: boolean; env?: NodeJS.ProcessEnv },
): Promise<StateBackend> {
  const settings = awsSettings(config, options.env ?? process.env);
  const { DynamoStateStore } = await import('../../adapters/aws/dynamodb/dynamo-state-store.js');
  const store = await DynamoStateStore.open({
    prefix: settings.prefix,
    clientConfig: clientConfig(settings),
    now: () => options.clock.now(),
    migrate: options.migrate ?? false,
  });
  return {
    state: store,
    scheduling: store.scheduling,
    describe: `dynamodb ${settings.prefix}* in ${settings.region ?? 'the default region'}`,
    close: () => store.close(),
  };
}
