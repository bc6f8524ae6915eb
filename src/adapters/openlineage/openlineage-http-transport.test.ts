import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenLineageServer } from '../../../test/helpers/openlineage-server.js';
import { lineageRunEvent } from '../../domain/lineage/run-event.js';
import { DeliveryError } from '../../domain/notify/delivery-error.js';
import { historyRecordFixture } from '../../ports/state-store.contract.js';
import { lineageEndpoint, OpenLineageHttpTransport } from './openlineage-http-transport.js';

const event = lineageRunEvent({ phase: 'start', record: historyRecordFixture(), inputs: [], sql: 'select 1' });

describe('OpenLineage HTTP transport (protocol-level OpenLineage receiver on 127.0.0.1 checking the RunEvent rules)', () => {
  let server: OpenLineageServer;
  beforeEach(async () => {
    server = await OpenLineageServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it('POSTs the event as JSON to {url}/api/v1/lineage, with the bearer token when set', async () => {
    await new OpenLineageHttpTransport({ type: 'openlineage', id: 'ol', url: `${server.url}/`, apiKey: 'tok-1' }).emit(event);
    expect(server.rejected).toEqual([]);
    expect(server.events).toHaveLength(1);
    expect(server.events[0]!.request.headers.authorization).toBe('Bearer tok-1');
    expect(server.events[0]!.event).toEqual(JSON.parse(JSON.stringify(event)));
    await new OpenLineageHttpTransport({ type: 'openlineage', id: 'ol', url: server.url }).emit(event);
    expect(server.events[1]!.request.headers.authorization).toBeUndefined();
  });

  it('uses a configured endpoint instead', async () => {
    const other = await OpenLineageServer.start('/lineage/v2/events');
    try {
      await new OpenLineageHttpTransport({ type: 'openlineage', id: 'ol', url: other.url, endpoint: '/lineage/v2/events' }).emit(event);
      expect(other.events).toHaveLength(1);
    } finally {
      await other.close();
    }
    expect(lineageEndpoint('http://h:5000/', 'api/v1/lineage')).toBe('http://h:5000/api/v1/lineage');
  });

  it('5xx and a closed port are retryable; an event the receiver refuses (400) is not', async () => {
    const transport = new OpenLineageHttpTransport({ type: 'openlineage', id: 'ol', url: server.url });
    server.failNext(1, 503);
    expect(await transport.emit(event).catch((e: unknown) => e)).toMatchObject({ retryable: true, message: expect.stringMatching(/answered HTTP 503/) });
    const refused = await transport.emit({ ...event, producer: 'not a uri' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DeliveryError);
    expect(refused).toMatchObject({ retryable: false, message: expect.stringMatching(/HTTP 400.*producer/) });
    await server.close();
    expect(await transport.emit(event).catch((e: unknown) => e)).toMatchObject({ retryable: true });
  });
});
