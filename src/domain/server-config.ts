import * as z from 'zod';

/** A stored API token: only its SHA-256 is kept, so the config file never holds a usable secret. */
export const apiTokenSchema = z.strictObject({
  /** Who the token is for; shown in logs, never secret. */
  name: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 . _ @ -'),
  /** Lowercase hex SHA-256 of the token (`adp`'s `hashToken`, or `printf %s TOKEN | sha256sum`). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (the SHA-256 of the token)'),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;

/**
 * The `server` section of `adp.config.json`: who may use the API of
 * `adp serve` and what it accepts. Tokens can also come from `ADP_API_TOKEN`;
 * with neither, `adp serve` makes one up and prints its login URL.
 */
export const serverConfigSchema = z.strictObject({
  tokens: z.array(apiTokenSchema).max(100).default([]),
  /** False lets anyone who can reach the port read (GET) the API; changes always need a token. */
  authenticateReads: z.boolean().default(true),
  /** Paths served without a token. */
  openHealthz: z.boolean().default(true),
  openMetrics: z.boolean().default(true),
  /** Largest request body accepted, in bytes. */
  bodyLimitBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
});
export type ServerConfig = z.infer<typeof serverConfigSchema>;
