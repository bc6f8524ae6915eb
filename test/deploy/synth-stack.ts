import { spawnSync } from 'node:child_process';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AdpStack } from '../../deploy/aws/lib/adp-stack.js';
import { missingBundles, REPO_ROOT } from '../../deploy/aws/lib/bundled-function.js';
import { parseDeployOptions, type DeployOptions } from '../../deploy/aws/lib/deploy-options.js';

/** Builds the Lambda bundles (`npm run build:lambda`) when any is missing, so the stack packages what would be deployed. */
export function ensureBundles(): void {
  if (missingBundles().length === 0) return;
  const built = spawnSync(process.execPath, ['scripts/build-lambda.mjs'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (built.status !== 0 || missingBundles().length > 0) {
    throw new Error(`npm run build:lambda failed or left bundles missing (${missingBundles().join(', ')}):\n${built.stderr}`);
  }
}

export interface Synthesized {
  readonly options: DeployOptions;
  readonly stack: AdpStack;
  readonly template: Template;
  readonly json: TemplateJson;
}

export interface TemplateJson {
  readonly Resources: Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown>; readonly DependsOn?: string[] }>;
  readonly [key: string]: unknown;
}

/** One in-process synthesis of the stack from CDK context, as `npm run synth` makes it (no CLI, no network). */
export function synthStack(context: Record<string, unknown>): Synthesized {
  ensureBundles();
  const app = new App({ context });
  const options = parseDeployOptions(app.node.getAllContext() as Record<string, unknown>);
  const stack = new AdpStack(app, 'Adp', { options });
  const template = Template.fromStack(stack);
  return { options, stack, template, json: template.toJSON() as TemplateJson };
}

/** The resources of one type, by logical id. */
export function resourcesOf(json: TemplateJson, type: string): [string, Record<string, unknown>][] {
  return Object.entries(json.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}

export interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

/** Every policy statement of the template, with where it is: role inline policies, IAM policies, and resource policies (buckets, topics, queues). */
export function allStatements(json: TemplateJson): { readonly where: string; readonly statement: Statement }[] {
  const out: { where: string; statement: Statement }[] = [];
  const add = (where: string, doc: unknown) => {
    for (const s of ((doc as { Statement?: Statement[] } | undefined)?.Statement ?? [])) out.push({ where, statement: s });
  };
  for (const [id, r] of Object.entries(json.Resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::IAM::Role') {
      add(`${id} (trust)`, p.AssumeRolePolicyDocument);
      for (const pol of (p.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) add(id, pol.PolicyDocument);
    }
    if (['AWS::IAM::Policy', 'AWS::S3::BucketPolicy', 'AWS::SNS::TopicPolicy', 'AWS::SQS::QueuePolicy'].includes(r.Type)) add(id, p.PolicyDocument);
  }
  return out;
}

/** The statements a role is granted: its inline policies and the IAM policies attached to it. */
export function roleStatements(json: TemplateJson, roleId: string): Statement[] {
  const docs: unknown[] = [];
  const role = json.Resources[roleId]!;
  for (const pol of (role.Properties?.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) docs.push(pol.PolicyDocument);
  for (const r of Object.values(json.Resources)) {
    if (r.Type !== 'AWS::IAM::Policy') continue;
    const roles = (r.Properties?.Roles as { Ref?: string }[] | undefined) ?? [];
    if (roles.some((x) => x.Ref === roleId)) docs.push(r.Properties?.PolicyDocument);
  }
  return docs.flatMap((d) => (d as { Statement: Statement[] }).Statement);
}

export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
export const resourcesOfStatement = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);
