export { createApiApp, API_PREFIX, type ApiAppHandle } from './app.js';
export { startHttpServer, type HttpServerOptions, type RunningServer } from './http-server.js';
export { BackgroundLauncher } from './background-launcher.js';
export { hashToken, generateToken, resolveAuth, TokenVerifier, type AuthSetup } from './auth/tokens.js';
export type { ApiAppOptions, ApiPorts, AuthOptions, CancelOutcome, RunLauncher } from './options.js';
export type { AdpMetrics } from './metrics/metrics.js';
export { startApiServer, type ServeHttpContext } from './serve-starter.js';
