import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { logWriteStatement } from './permissions.js';

/** The four handlers of src/serverless/handlers, bundled by `npm run build:lambda`. */
export const HANDLERS = ['run-step', 'start-execution', 'schedule-sync', 'history-stream'] as const;
export type HandlerName = (typeof HANDLERS)[number];

/** The repository root (deploy/aws/lib → ../../..). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

/** Where `npm run build:lambda` writes a handler's bundle. */
export function bundleDir(name: HandlerName, root = REPO_ROOT): string {
  return path.join(root, 'dist/lambda', name);
}

/** The handlers whose bundle is missing (none: ready to synthesize). */
export function missingBundles(names: readonly HandlerName[] = HANDLERS, root = REPO_ROOT): HandlerName[] {
  return names.filter((n) => !fs.existsSync(path.join(bundleDir(n, root), 'index.mjs')));
}

export interface BundledFunctionProps {
  readonly handler: HandlerName;
  readonly functionName: string;
  readonly description: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly logRetention: logs.RetentionDays;
  /** What the handler calls, beside writing its own logs. */
  readonly statements: readonly iam.PolicyStatement[];
  /** Bundles are read from here (tests may point elsewhere). */
  readonly root?: string;
}

/**
 * One Lambda function from its esbuild bundle (`dist/lambda/<handler>/index.mjs`,
 * nodejs22.x, arm64) with a role of its own that holds only the given
 * statements plus log writes into its own log group (no managed policy), and
 * that log group with a retention.
 */
export class BundledFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** SHA-256 of the bundle's files: changes whenever the deployed code does. */
  readonly bundleHash: string;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    const dir = bundleDir(props.handler, props.root);
    if (!fs.existsSync(path.join(dir, 'index.mjs'))) {
      throw new Error(`the ${props.handler} bundle ${path.relative(process.cwd(), path.join(dir, 'index.mjs'))} is missing: run \`npm run build:lambda\` first`);
    }
    const hash = createHash('sha256');
    for (const f of fs.readdirSync(dir, { recursive: true }).map(String).sort()) {
      const file = path.join(dir, f);
      if (fs.statSync(file).isFile()) hash.update(f).update(fs.readFileSync(file));
    }
    this.bundleHash = hash.digest('hex');
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.functionName}: ${props.description}`,
      inlinePolicies: {
        Handler: new iam.PolicyDocument({ statements: [logWriteStatement(this.logGroup.logGroupArn), ...props.statements] }),
      },
    });
    this.function = new lambda.Function(this, 'Function', {
      functionName: props.functionName,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(dir),
      role: this.role,
      logGroup: this.logGroup,
      timeout: props.timeout,
      memorySize: props.memorySize,
      environment: { ...props.environment },
    });
  }

  /** Adds statements after creation (grants whose resource is made later). */
  allow(...statements: iam.PolicyStatement[]): void {
    for (const s of statements) this.role.addToPrincipalPolicy(s);
  }
}
