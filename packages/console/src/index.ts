// Public surface of @mlc/console: the operator console a host app mounts, and the request shape its authorize
// callback receives.

export type { ConsoleOptions, OperatorConsole } from './console-options.js';
export { createConsole } from './create-console.js';
export type { ConsoleRequest } from './http/console-request.js';
export type { StreamHealth } from './health/stream-health.js';
export { streamHealthOf } from './health/stream-health.js';
export type { HtmlValue } from './html/html.js';
export { SafeHtml, escapeHtml, html } from './html/html.js';
