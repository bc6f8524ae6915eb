import { describe, expect, it } from 'vitest';
import { DeployOptionsError, openSearchTarget, parseDeployOptions } from '../../deploy/aws/lib/deploy-options.js';

const STREAM = 'arn:aws:dynamodb:eu-west-1:123456789012:table/wildrydes-dev-curationDetails/stream/2021-03-04T10:11:12.123';
const refused = (context: Record<string, unknown>): string => {
  try {
    parseDeployOptions(context);
  } catch (e) {
    expect(e).toBeInstanceOf(DeployOptionsError);
    return (e as Error).message;
  }
  throw new Error('accepted');
};

describe('CDK deployment options (context, checked before any resource is made)', () => {
  it('refuses a bad prefix with a message that names the option, the value and the rule (the rule of adp.config.json)', () => {
    const message = refused({ prefix: 'Wild_Rydes' });
    expect(message).toContain('-c prefix: "Wild_Rydes" must be 3-20 characters of a-z 0-9 -, starting with a letter');
    expect(refused({})).toContain('-c prefix: required (e.g. -c prefix=wildrydes-dev-)');
    expect(refused({ prefix: 'a-much-too-long-environment-prefix-' })).toContain('"a-much-too-long-environment-prefix-"');
  });

  it('fills the defaults and reads lists and numbers as the command line gives them', () => {
    expect(parseDeployOptions({ prefix: 'wildrydes-dev-', dataBuckets: 'raw, lake', logRetentionDays: '90', 'aws:cdk:enable-path-metadata': true, '@aws-cdk/core:newStyleStackSynthesis': true })).toEqual({
      prefix: 'wildrydes-dev-',
      outputBuckets: [],
      dataBuckets: ['raw', 'lake'],
      glueDatabases: [],
      workGroup: 'primary',
      scriptsBranch: 'main',
      tables: 'create',
      logRetentionDays: 90,
    });
  });

  it('refuses unknown options, a retention CloudWatch does not offer, a key alias, and names each', () => {
    const message = refused({ prefix: 'wildrydes-dev-', prefx: 'x', logRetentionDays: '10', kmsKeyArn: 'alias/adp' });
    expect(message).toContain('-c prefx: unknown option');
    expect(message).toContain('-c logRetentionDays: "10" must be one of 1, 3, 5, 7, 14, 30');
    expect(message).toContain('-c kmsKeyArn: "alias/adp" must be a KMS key ARN');
  });

  it('needs a secret with an https scripts remote, and stream ARNs with kept tables', () => {
    expect(refused({ prefix: 'wildrydes-dev-', scripts: 'https://git.example.com/curations.git' })).toContain('-c gitTokenSecretArn: required with an https:// scripts remote');
    expect(refused({ prefix: 'wildrydes-dev-', scripts: 'svn://x' })).toContain('-c scripts: "svn://x" must be codecommit:NAME');
    expect(refused({ prefix: 'wildrydes-dev-', tables: 'keep-sample' })).toContain('-c curationsStreamArn: required with tables=keep-sample');
    expect(refused({ prefix: 'wildrydes-dev-', tables: 'keep-sample', curationsStreamArn: STREAM, openSearchEndpoint: 'https://search-wildrydes-abcdefghijklmnopqrstuvwxyz.eu-west-1.es.amazonaws.com' })).toContain(
      '-c historyStreamArn: required with tables=keep-sample and openSearchEndpoint',
    );
    expect(refused({ prefix: 'wildrydes-dev-', curationsStreamArn: STREAM })).toContain('-c curationsStreamArn: only used with tables=keep-sample or keep-all');
    expect(parseDeployOptions({ prefix: 'wildrydes-dev-', tables: 'keep-all', curationsStreamArn: STREAM }).tables).toBe('keep-all');
  });

  it('reads the OpenSearch domain (or Serverless collection) and its region from the endpoint, or asks for the domain ARN', () => {
    expect(openSearchTarget('https://search-wildrydes-abcdefghijklmnopqrstuvwxyz.eu-west-1.es.amazonaws.com')).toEqual({ service: 'es', region: 'eu-west-1', domainName: 'wildrydes' });
    expect(openSearchTarget('https://vpc-my-logs-abcdefghijklmnopqrstuvwxyz.us-east-1.es.amazonaws.com/')).toEqual({ service: 'es', region: 'us-east-1', domainName: 'my-logs' });
    expect(openSearchTarget('https://0123abcd.eu-west-1.aoss.amazonaws.com')).toEqual({ service: 'aoss', region: 'eu-west-1', collectionId: '0123abcd' });
    expect(refused({ prefix: 'wildrydes-dev-', openSearchEndpoint: 'https://logs.eu-west-1.es.amazonaws.com' })).toContain('-c openSearchDomainArn: required');
    expect(refused({ prefix: 'wildrydes-dev-', openSearchEndpoint: 'http://localhost:9200' })).toContain('-c openSearchEndpoint: "http://localhost:9200" must be https://');
  });
});
