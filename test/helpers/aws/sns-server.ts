import type { CapturedRequest, Reply } from '../http-capture.js';

/** The SNS Query API's Publish action, as far as a client can tell: form-encoded in, XML out (serve it with CaptureServer). */
export function snsPublish(req: CapturedRequest): Reply {
  const form = new URLSearchParams(req.body);
  if (form.get('Action') !== 'Publish') return { status: 400, body: 'unexpected action' };
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-${req.body.length}</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>`,
  };
}
