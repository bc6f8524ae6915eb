import type { SinkDestination } from '../../domain/notify/destinations.js';
import { ConfigError } from '../../domain/errors.js';
import type { EventSink } from '../../ports/event-sink.js';
import { LAMBDA_ENV, lambdaRegion, requiredEnv } from './lambda-env.js';

/**
 * The OpenSearch history sink at `ADP_OPENSEARCH_NODE`, into the sample's
 * index (the history table's name, `ADP_PREFIX` + `curationHistory`,
 * lowercased), SigV4-signed for the region unless `ADP_OPENSEARCH_SIGV4=false`.
 * The history-stream function's; the OpenSearch client loads here.
 */
export async function openHistorySink(env: NodeJS.ProcessEnv = process.env, log?: (line: string) => void): Promise<EventSink> {
  const [{ OpenSearchSink }, { tableNames }] = await Promise.all([
    import('../../adapters/opensearch/opensearch-sink.js'),
    import('../../adapters/aws/dynamodb/table-layout.js'),
  ]);
  const at = lambdaRegion(env);
  const sigv4 = env[LAMBDA_ENV.openSearchSigv4] !== 'false';
  if (sigv4 && !at) throw new ConfigError('AWS_REGION is not set: SigV4 signing of OpenSearch requests needs the region');
  const destination: SinkDestination = {
    type: 'opensearch',
    id: 'history-stream',
    node: requiredEnv(env, LAMBDA_ENV.openSearchNode),
    index: tableNames(requiredEnv(env, LAMBDA_ENV.prefix)).history,
    ...(sigv4 && at ? { auth: { type: 'sigv4', region: at, service: env[LAMBDA_ENV.openSearchService] === 'aoss' ? 'aoss' : 'es' } } : {}),
  } as SinkDestination;
  return new OpenSearchSink(destination, log ? { log } : {});
}

export { historyRecordOfImage, type StreamImage } from '../../adapters/aws/dynamodb/stream-images.js';
