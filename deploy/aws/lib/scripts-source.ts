import { Arn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { DeployOptions } from './deploy-options.js';

/** The `scripts` block of the functions' adp config. */
export type ScriptsConfig = { readonly codecommit: string; readonly branch: string } | { readonly url: string; readonly branch: string };

/**
 * Where the SQL scripts come from: an existing CodeCommit repository
 * (referenced by name), a new one (kept on stack deletion), or a git remote
 * over HTTPS whose token sits in Secrets Manager. Gives the config block
 * and what reading the scripts needs, for the run-step function's role.
 */
export class ScriptsSource extends Construct {
  readonly config: ScriptsConfig;
  /** Set for a git remote: functions read the token from this secret (`ADP_GIT_TOKEN_SECRET_ARN`). */
  readonly tokenSecretArn?: string;
  /** The statements the run-step function needs to read scripts. */
  readonly readStatements: readonly iam.PolicyStatement[];

  constructor(scope: Construct, id: string, options: DeployOptions) {
    super(scope, id);
    const source = options.scripts ?? `new-codecommit:${options.prefix}curation-scripts`;
    const branch = options.scriptsBranch;
    if (source.startsWith('https://')) {
      this.config = { url: source, branch };
      this.tokenSecretArn = options.gitTokenSecretArn!;
      // A secret ARN ends in six random characters; the policy names the secret exactly.
      this.readStatements = [new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.tokenSecretArn] })];
      return;
    }
    const name = source.slice(source.indexOf(':') + 1);
    let arn: string;
    if (source.startsWith('new-codecommit:')) {
      const repo = new codecommit.Repository(this, 'Repository', { repositoryName: name, description: 'SQL scripts of the curations (adp)' });
      repo.applyRemovalPolicy(RemovalPolicy.RETAIN);
      arn = repo.repositoryArn;
    } else {
      arn = Arn.format({ service: 'codecommit', resource: name }, Stack.of(this));
    }
    this.config = { codecommit: name, branch };
    this.readStatements = [new iam.PolicyStatement({ actions: ['codecommit:GetRepository', 'codecommit:GetBranch', 'codecommit:GetFile'], resources: [arn] })];
  }
}
