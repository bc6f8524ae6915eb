import { beforeAll, describe, expect, it } from 'vitest';
import { actionsOf, allStatements, resourcesOf, resourcesOfStatement, roleStatements, synthStack, type Synthesized } from './synth-stack.js';

// Coming from the sample: its two tables are kept (referenced by name), the
// buckets exist, scripts come from a git remote; no OpenSearch, no key.
const PREFIX = 'wildrydes-dev-';
const STREAM = `arn:aws:dynamodb:eu-west-1:123456789012:table/${PREFIX}curationDetails/stream/2021-03-04T10:11:12.123`;
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:adp/git-token-AbCdEf';
let s: Synthesized;
beforeAll(() => {
  s = synthStack({
    prefix: PREFIX,
    tables: 'keep-sample',
    curationsStreamArn: STREAM,
    athenaOutputBucket: 'wildrydes-athena-results',
    curatedBucket: 'wildrydes-curated',
    scripts: 'https://git.example.com/data/curations.git',
    gitTokenSecretArn: SECRET,
  });
}, 120_000);

const fnId = (name: string) => resourcesOf(s.json, 'AWS::Lambda::Function').find(([, p]) => p.FunctionName === `${PREFIX}adp-${name}`)![0];
const roleIdOfFn = (name: string) => (s.json.Resources[fnId(name)]!.Properties!.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
const tableArn = (name: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:table/${PREFIX}${name}`]],
});

describe("CDK stack (synthesized in process): keeping the sample's tables and buckets", () => {
  it("creates only adp's own table and references the sample's two by name, untouched", () => {
    expect(resourcesOf(s.json, 'AWS::DynamoDB::Table').map(([, p]) => p.TableName)).toEqual([`${PREFIX}adpState`]);
    const dynamo = roleStatements(s.json, roleIdOfFn('run-step')).find((x) => actionsOf(x).includes('dynamodb:PutItem'))!;
    const [details, history, historyIndexes] = resourcesOfStatement(dynamo);
    expect([details, history, historyIndexes]).toEqual([
      tableArn('curationDetails'),
      tableArn('curationHistory'),
      tableArn('curationHistory/index/*'),
    ]);
  });

  it("feeds the schedule sync from the kept definitions table's stream, and has no history-stream function without OpenSearch", () => {
    s.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: STREAM, FunctionName: { Ref: fnId('schedule-sync') } });
    const stream = roleStatements(s.json, roleIdOfFn('schedule-sync')).find((x) => actionsOf(x).includes('dynamodb:GetRecords'))!;
    expect(stream.Resource).toBe(STREAM);
    const ours = resourcesOf(s.json, 'AWS::Lambda::Function').map(([, p]) => p).filter((p) => p.FunctionName);
    expect(ours.map((p) => [p.FunctionName, p.Runtime])).toEqual(
      ['run-step', 'run-step-poller', 'start-execution', 'schedule-sync'].map((h) => [expect.stringMatching(new RegExp(`adp-${h}$`)), 'nodejs22.x']),
    );
  });

  it('uses the existing buckets by name, creates none, and lets run-step read the git token from its one secret', () => {
    s.template.resourceCountIs('AWS::S3::Bucket', 0);
    s.template.resourceCountIs('AWS::CodeCommit::Repository', 0);
    const st = roleStatements(s.json, roleIdOfFn('run-step'));
    const objects = st.find((x) => actionsOf(x).includes('s3:PutObject'))!;
    expect(JSON.stringify(objects.Resource)).toContain(':s3:::wildrydes-athena-results/*');
    expect(JSON.stringify(objects.Resource)).toContain(':s3:::wildrydes-curated/*');
    expect(st.filter((x) => actionsOf(x).some((a) => a.startsWith('secretsmanager:')))).toEqual([{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: SECRET }]);
    const env = (s.json.Resources[fnId('run-step')]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.ADP_GIT_TOKEN_SECRET_ARN).toBe(SECRET);
    expect(JSON.stringify(env.ADP_CONFIG_JSON)).toContain('https://git.example.com/data/curations.git');
    // Without a key, nothing asks KMS for anything.
    expect(allStatements(s.json).filter(({ statement }) => actionsOf(statement).some((a) => a.startsWith('kms:')))).toEqual([]);
  });
});
