/** How much a preview reads and shows: enough for a first look, never the whole file. */
export const PREVIEW_LIMITS = {
  /** Bytes read from the start of a CSV or JSON file (compressed or not). */
  headBytes: 256 * 1024,
  /** Bytes a compressed head may expand to. */
  inflatedBytes: 1024 * 1024,
  /** Bytes of a Parquet file's footer read in the first request. */
  parquetFooterBytes: 64 * 1024,
  /** Bytes of Parquet pages read for the first rows at most. */
  parquetBytes: 8 * 1024 * 1024,
  maxRows: 200,
  defaultRows: 20,
  /** Characters of one cell shown. */
  cellChars: 500,
} as const;
