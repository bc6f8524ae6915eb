import zlib from 'node:zlib';
import { Decompress as ZstdStream } from 'fzstd';
import { PREVIEW_LIMITS } from './limits.js';

export type HeadCompression = 'none' | 'gzip' | 'zstd';

/**
 * The first bytes of a file's content from the first bytes of the file: a
 * gzip or zstd head is decompressed as far as it goes (a cut stream is not an
 * error here, only the end of what can be shown), up to `inflatedBytes`.
 */
export function decompressHead(head: Uint8Array, compression: HeadCompression): Uint8Array {
  if (compression === 'none') return head;
  if (compression === 'gzip') {
    return zlib.gunzipSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: PREVIEW_LIMITS.inflatedBytes });
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const stream = new ZstdStream((chunk) => {
    if (size < PREVIEW_LIMITS.inflatedBytes) chunks.push(chunk);
    size += chunk.length;
  });
  try {
    stream.push(head, false);
  } catch (e) {
    // fzstd throws when the input stops inside a block; what came out before stands.
    if (chunks.length === 0) throw e;
  }
  const out = new Uint8Array(Math.min(size, PREVIEW_LIMITS.inflatedBytes));
  let at = 0;
  for (const c of chunks) {
    const take = Math.min(c.length, out.length - at);
    out.set(c.subarray(0, take), at);
    at += take;
  }
  return out;
}

/** The compression a file's name and first bytes say it has. */
export function sniffCompression(key: string, head: Uint8Array): HeadCompression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (/\.gz$/.test(key)) return 'gzip';
  if (/\.zst$/.test(key)) return 'zstd';
  return 'none';
}
