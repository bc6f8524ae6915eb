import { configSchema, type AdpConfig } from '../../../src/domain/config.js';
import type { DeployOptions } from './deploy-options.js';
import type { ScriptsConfig } from './scripts-source.js';

/** The parts of the config known only at deploy time (CloudFormation tokens at synth). */
export interface DeployedValues {
  readonly successTopicArn: string;
  readonly failureTopicArn: string;
}

/** Stand-ins with the shape of real values, to check the config at synth. */
const SAMPLE_VALUES: DeployedValues = {
  successTopicArn: 'arn:aws:sns:eu-west-1:123456789012:sample-success',
  failureTopicArn: 'arn:aws:sns:eu-west-1:123456789012:sample-failure',
};

/**
 * The adp config the run-step and start-execution functions open the project
 * with (`ADP_CONFIG_JSON`): the aws driver with the prefix, workgroup and key,
 * the scripts source, and SNS routes (succeeded runs to one topic, failed
 * ones to the other). The region comes from the function's own `AWS_REGION`.
 * History goes to OpenSearch through the history table's stream, not the
 * outbox, so no sink is configured here.
 *
 * @throws Error when the config this builds would be refused by `configSchema` (checked with sample ARNs).
 */
export function lambdaConfig(options: DeployOptions, scripts: ScriptsConfig, values: DeployedValues): Record<string, unknown> {
  const build = (v: DeployedValues) => ({
    driver: 'aws',
    aws: { prefix: options.prefix, workGroup: options.workGroup, ...(options.kmsKeyArn ? { kmsKeyId: options.kmsKeyArn } : {}) },
    scripts,
    notifications: [
      { type: 'sns', name: 'success-topic', topicArn: v.successTopicArn, events: ['success'] },
      { type: 'sns', name: 'failure-topic', topicArn: v.failureTopicArn, events: ['failure'] },
    ],
  });
  const checked = configSchema.safeParse(build(SAMPLE_VALUES));
  if (!checked.success) throw new Error(`the functions' adp config would be refused: ${checked.error.message}`);
  return build(values) satisfies Partial<Record<keyof AdpConfig, unknown>>;
}
