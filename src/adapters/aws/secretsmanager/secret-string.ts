import { ConfigError } from '../../../domain/errors.js';
import { GetSecretValueCommand, SecretsManagerClient } from './secrets-manager-commands.js';

/**
 * The text of one Secrets Manager secret (GetSecretValue, current version).
 * A key/value secret (a JSON object, as the console stores one) gives its
 * `key` field; any other text is the secret itself, trimmed.
 *
 * @example
 * const token = await readSecretString({ secretId: arn, key: 'token', clientConfig: { region: 'eu-west-1' } });
 * @throws ConfigError when the secret is binary, empty, or a JSON object without a string `key`.
 */
export async function readSecretString(options: { secretId: string; key: string; clientConfig?: { region?: string } }): Promise<string> {
  const client = new SecretsManagerClient(options.clientConfig ?? {});
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: options.secretId }));
    const text = SecretString?.trim();
    if (!text) throw new ConfigError(`secret ${options.secretId} has no text value: store the token as its SecretString`);
    if (!text.startsWith('{')) return text;
    let value: unknown;
    try {
      value = (JSON.parse(text) as Record<string, unknown>)[options.key];
    } catch {
      return text;
    }
    if (typeof value !== 'string' || !value) {
      throw new ConfigError(`secret ${options.secretId} is a JSON object without a string "${options.key}" field: store the token as plain text or under "${options.key}"`);
    }
    return value;
  } finally {
    client.destroy();
  }
}
