import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_ENV, LAMBDA_ENV, type LambdaEnvName, type LambdaHandlerName } from '../../src/drivers/aws/lambda-env.js';
import { lambdaGitToken } from '../../src/drivers/aws/lambda-scripts.js';
import { lambdaConfig } from '../../src/drivers/aws/lambda-state.js';
import { openExecutionStarter } from '../../src/drivers/aws/open-execution-starter.js';
import { openHistorySink } from '../../src/drivers/aws/open-history-sink.js';
import { definitionItems, openScheduleRegistry } from '../../src/drivers/aws/open-schedule-registry.js';
import { resourcesOf, synthStack, type Synthesized } from './synth-stack.js';

// The names come from one module (src/drivers/aws/lambda-env.ts): the stack
// sets exactly what each handler reads, and the handlers' openers read
// nothing the module does not declare for them.
const PREFIX = 'wildrydes-dev-';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:adp/git-token-AbCdEf';
let stacks: Record<string, Synthesized>;
beforeAll(() => {
  stacks = {
    fullest: synthStack({ prefix: PREFIX, openSearchEndpoint: 'https://search-wildrydes-abcdefghijklmnopqrstuvwxyz.eu-west-1.es.amazonaws.com' }),
    gitRemote: synthStack({ prefix: PREFIX, scripts: 'https://git.example.com/data/curations.git', gitTokenSecretArn: SECRET }),
  };
}, 180_000);

/** The handler each deployed function runs (the poller is run-step's bundle). */
const handlerOf = (functionName: string): LambdaHandlerName => functionName.slice(`${PREFIX}adp-`.length).replace(/-poller$/, '') as LambdaHandlerName;

/** Calls `open` with an env that records every `ADP_*` name read. */
async function namesRead(values: Record<string, string>, open: (env: NodeJS.ProcessEnv) => Promise<unknown>): Promise<string[]> {
  const read = new Set<string>();
  const env = new Proxy({ AWS_REGION: 'eu-west-1', ...values } as NodeJS.ProcessEnv, {
    get(target, name) {
      if (typeof name === 'string' && name.startsWith('ADP_')) read.add(name);
      return target[name as string];
    },
  });
  await open(env);
  return [...read].sort();
}

describe('Lambda environment: one module of names, set by the stack and read by the handlers', () => {
  it('the stack sets on every function all the names its handler requires and none it does not read', () => {
    const seen = new Set<string>();
    for (const [variant, s] of Object.entries(stacks)) {
      const fns = resourcesOf(s.json, 'AWS::Lambda::Function').filter(([, p]) => typeof p.FunctionName === 'string');
      expect(fns.length, variant).toBeGreaterThanOrEqual(4);
      for (const [, p] of fns) {
        const handler = handlerOf(p.FunctionName as string);
        const declared = HANDLER_ENV[handler];
        expect(declared, `${variant}: ${String(p.FunctionName)}`).toBeDefined();
        const names = Object.keys((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {});
        expect(names, `${variant}: ${handler}`).toEqual(expect.arrayContaining([...declared.required]));
        for (const n of names) expect([...declared.required, ...declared.optional], `${variant}: ${handler} sets ${n}`).toContain(n);
        names.forEach((n) => seen.add(`${handler}:${n}`));
      }
    }
    // The git token secret reaches run-step (and its poller) only with a git remote.
    expect(seen).toContain(`run-step:${LAMBDA_ENV.gitTokenSecretArn}`);
    expect([...seen].filter((x) => x.endsWith(LAMBDA_ENV.gitTokenSecretArn))).toEqual([`run-step:${LAMBDA_ENV.gitTokenSecretArn}`]);
  });

  it("each handler's openers read only the names declared for it, and every required one", async () => {
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'token' });
    const dynamo = mockClient(DynamoDBClient);
    dynamo.on(ScanCommand).resolves({ Items: [] });
    const config = JSON.stringify({ driver: 'aws', aws: { prefix: PREFIX }, scripts: { url: 'https://git.example.com/data/curations.git' } });
    const arn = (kind: string) => `arn:aws:${kind}:eu-west-1:123456789012:x`;
    const values: Record<LambdaEnvName, string> = {
      [LAMBDA_ENV.configJson]: config,
      [LAMBDA_ENV.home]: '/tmp/adp-env-test',
      [LAMBDA_ENV.gitTokenSecretArn]: SECRET,
      [LAMBDA_ENV.stateMachineArn]: arn('states'),
      [LAMBDA_ENV.prefix]: PREFIX,
      [LAMBDA_ENV.scheduleGroup]: `${PREFIX}curationSchedules`,
      [LAMBDA_ENV.startFunctionArn]: arn('lambda'),
      [LAMBDA_ENV.schedulerRoleArn]: 'arn:aws:iam::123456789012:role/scheduler',
      [LAMBDA_ENV.scheduleDlqArn]: arn('sqs'),
      [LAMBDA_ENV.scheduleMaxRetries]: '3',
      [LAMBDA_ENV.openSearchNode]: 'https://search.example.com',
      [LAMBDA_ENV.openSearchService]: 'es',
      [LAMBDA_ENV.openSearchSigv4]: 'true',
    };
    const openers: Record<LambdaHandlerName, (env: NodeJS.ProcessEnv) => Promise<unknown>> = {
      'run-step': async (env) => [await lambdaConfig(env), await lambdaGitToken(env)],
      'start-execution': async (env) => [await lambdaConfig(env), await openExecutionStarter(env)],
      'schedule-sync': async (env) => {
        for await (const item of definitionItems(env)) void item;
        return openScheduleRegistry(env);
      },
      'history-stream': (env) => openHistorySink(env),
    };
    try {
      for (const [handler, open] of Object.entries(openers) as [LambdaHandlerName, (typeof openers)[LambdaHandlerName]][]) {
        const read = await namesRead(values, open);
        const declared = HANDLER_ENV[handler];
        for (const n of read) expect([...declared.required, ...declared.optional], `${handler} reads ${n}`).toContain(n);
        expect(read, handler).toEqual(expect.arrayContaining([...declared.required]));
      }
    } finally {
      secrets.restore();
      dynamo.restore();
    }
  });
});
