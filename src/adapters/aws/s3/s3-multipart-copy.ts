import type { CompletedPart } from '@aws-sdk/client-s3';
import type { S3Location } from '../s3-uri.js';
import { copySource, type S3Connection, type WriteAttributes } from './s3-sdk.js';

/** S3's limit on the parts of one upload. */
const MAX_PARTS = 10_000;

/** How a large object is copied in parts. */
export interface PartPlan {
  /** Bytes per part (the last one may be shorter). */
  readonly partSize: number;
  /** UploadPartCopy requests in flight at once. */
  readonly concurrency: number;
}

/**
 * The inclusive byte ranges of each part: `partSize` each, raised if needed
 * to stay within S3's 10,000 parts.
 *
 * @example
 * partRanges(10, 4) // [[0, 3], [4, 7], [8, 9]]
 */
export function partRanges(size: number, partSize: number): Array<[number, number]> {
  const step = Math.max(partSize, Math.ceil(size / MAX_PARTS));
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < size; start += step) ranges.push([start, Math.min(start + step, size) - 1]);
  return ranges;
}

/**
 * Copies an object too large for one CopyObject (over 5 GB): a multipart
 * upload at `to` whose parts are server-side UploadPartCopy ranges of `from`,
 * then CompleteMultipartUpload, which makes the whole object appear at once
 * (and carries `If-None-Match`, so a conditional publish stays atomic). On
 * any failure the upload is aborted, so no parts are left to pay for.
 */
export async function copyInParts(
  s3: S3Connection,
  from: S3Location,
  to: S3Location,
  size: number,
  attributes: WriteAttributes & { readonly Tagging?: string },
  plan: PartPlan,
): Promise<void> {
  const { sdk, client } = s3;
  const { IfNoneMatch, ...create } = attributes;
  const upload = await client.send(new sdk.CreateMultipartUploadCommand({ Bucket: to.bucket, Key: to.key, ...create }));
  const uploadId = upload.UploadId!;
  try {
    const ranges = partRanges(size, plan.partSize);
    const parts: CompletedPart[] = new Array(ranges.length);
    let next = 0;
    const worker = async () => {
      while (next < ranges.length) {
        const index = next++;
        const [start, end] = ranges[index]!;
        const copied = await client.send(
          new sdk.UploadPartCopyCommand({
            Bucket: to.bucket,
            Key: to.key,
            UploadId: uploadId,
            PartNumber: index + 1,
            CopySource: copySource(from.bucket, from.key),
            CopySourceRange: `bytes=${start}-${end}`,
          }),
        );
        parts[index] = { PartNumber: index + 1, ETag: copied.CopyPartResult?.ETag };
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(plan.concurrency, ranges.length)) }, worker));
    await client.send(
      new sdk.CompleteMultipartUploadCommand({
        Bucket: to.bucket,
        Key: to.key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
        ...(IfNoneMatch ? { IfNoneMatch } : {}),
      }),
    );
  } catch (e) {
    await client.send(new sdk.AbortMultipartUploadCommand({ Bucket: to.bucket, Key: to.key, UploadId: uploadId })).catch(() => undefined);
    throw e;
  }
}
