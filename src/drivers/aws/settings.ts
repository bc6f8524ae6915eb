import type { AdpConfig, AwsConfig } from '../../domain/config.js';
import { ConfigError } from '../../domain/errors.js';

/** What every AWS client of the driver is built with; credentials and endpoints come from the SDK's standard chain. */
export interface AwsSettings extends AwsConfig {
  /** From the config, else `AWS_REGION` / `AWS_DEFAULT_REGION`; the SDK's profile chain decides when absent. */
  readonly region?: string;
}

/** @throws ConfigError when the config names the aws driver without its `aws` block. */
export function awsSettings(config: AdpConfig, env: NodeJS.ProcessEnv): AwsSettings {
  if (!config.aws) {
    throw new ConfigError(
      'driver "aws" needs an "aws" block with at least "prefix" in adp.config.json ' +
        '(adp init --driver aws --prefix wildrydes-dev- --region eu-west-1 writes it)',
    );
  }
  const region = config.aws.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined);
  return { ...config.aws, ...(region ? { region } : {}) };
}

/** Client settings shared by every service client: the region when one is known (endpoints: `AWS_ENDPOINT_URL_<SERVICE>`). */
export function clientConfig(settings: AwsSettings): { region?: string } {
  return settings.region ? { region: settings.region } : {};
}
