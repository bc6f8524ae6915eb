import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GitHttpServer } from '../../../test/helpers/git-http-server.js';
import { configSchema } from '../../domain/config.js';
import { EnvironmentError } from '../../domain/errors.js';
import { homeLayout } from '../common/home.js';
import { LAMBDA_ENV } from './lambda-env.js';
import { lambdaGitToken, openLambdaScripts } from './lambda-scripts.js';

const SQL = 'wildrydes/rydebooking-curation.sql';
const TOKEN = 's3cret-token';
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-C', cwd, '-c', 'user.name=t', '-c', 'user.email=t@localhost', ...args], { env: cleanEnv, encoding: 'utf8' }).trim();

let tmp: string;
let server: GitHttpServer;
let commit: string;
let arnSeq = 0;
/** A secret ARN of its own per test: tokens are kept per container, by ARN. */
const newArn = () => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:adp-git-token-${++arnSeq}-AbCdEf`;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-lambda-scripts-'));
  const remotes = path.join(tmp, 'remotes');
  const work = path.join(tmp, 'work');
  fs.mkdirSync(remotes);
  git(remotes, 'init', '-q', '--bare', 'scripts.git');
  git(path.join(remotes, 'scripts.git'), 'symbolic-ref', 'HEAD', 'refs/heads/main');
  fs.mkdirSync(path.join(work, path.dirname(SQL)), { recursive: true });
  git(work, 'init', '-q');
  git(work, 'remote', 'add', 'origin', path.join(remotes, 'scripts.git'));
  fs.writeFileSync(path.join(work, SQL), 'select 1');
  git(work, 'add', SQL);
  git(work, 'commit', '-qm', 'sql');
  git(work, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
  commit = git(work, 'rev-parse', 'HEAD');
  server = await GitHttpServer.start({ root: remotes, basicAuth: { username: 'x-access-token', password: TOKEN } });
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the Lambda scripts opener: a git remote with its token from Secrets Manager (aws-sdk-client-mock; git http-backend on 127.0.0.1)', () => {
  const secrets = mockClient(SecretsManagerClient);
  afterEach(() => secrets.reset());
  let homes = 0;
  const open = (env: NodeJS.ProcessEnv) => {
    const config = configSchema.parse({ driver: 'aws', aws: { prefix: 'wildrydes-dev-' }, scripts: { url: `${server.url}/scripts.git`, branch: 'main' } });
    return openLambdaScripts(homeLayout(path.join(tmp, `home-${++homes}`)), config, { env });
  };

  it('reads the secret named by ADP_GIT_TOKEN_SECRET_ARN once per container and clones with it as the token', async () => {
    const arn = newArn();
    secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: `${TOKEN}\n` });
    const env = { [LAMBDA_ENV.gitTokenSecretArn]: arn, AWS_REGION: 'eu-west-1' };
    expect((await (await open(env)).readAtHead(SQL)).commitId).toBe(commit);
    expect((await (await open(env)).readAtHead(SQL)).text).toBe('select 1');
    expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: arn }]);
    expect(server.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  it('takes the "token" field of a key/value secret', async () => {
    const arn = newArn();
    secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: JSON.stringify({ token: TOKEN, note: 'ci' }) });
    expect(await lambdaGitToken({ [LAMBDA_ENV.gitTokenSecretArn]: arn })).toBe(TOKEN);
    expect((await (await open({ [LAMBDA_ENV.gitTokenSecretArn]: arn })).readAtHead(SQL)).commitId).toBe(commit);
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ password: TOKEN }) });
    await expect(lambdaGitToken({ [LAMBDA_ENV.gitTokenSecretArn]: newArn() })).rejects.toThrow(/without a string "token" field/);
  });

  it('without the variable asks Secrets Manager nothing, and the remote refuses the clone', async () => {
    expect(await lambdaGitToken({})).toBeUndefined();
    const e = await (await open({})).readAtHead(SQL).then(
      () => expect.fail('expected a refusal'),
      (error: Error) => error,
    );
    expect(e).toBeInstanceOf(EnvironmentError);
    expect(e.message).toContain('refused access (HTTP 401)');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('keeps no failed read: the next invocation asks again', async () => {
    const arn = newArn();
    secrets.on(GetSecretValueCommand, { SecretId: arn }).rejectsOnce(new ResourceNotFoundException({ message: 'no such secret', $metadata: {} })).resolves({ SecretString: TOKEN });
    await expect(lambdaGitToken({ [LAMBDA_ENV.gitTokenSecretArn]: arn })).rejects.toThrow('no such secret');
    expect(await lambdaGitToken({ [LAMBDA_ENV.gitTokenSecretArn]: arn })).toBe(TOKEN);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});
