import { REDACTED } from '@mlc/core';
import { type SafeHtml, escapeHtml } from '../html/html.js';
import type { ConsoleResponse } from './console-request.js';
import { SECURITY_HEADERS } from './security-headers.js';

/**
 * The answer carrying a rendered page, with the security headers and `extra` ones. A last line of defence: a known
 * secret never leaves, escaped or not.
 */
export function finishPage(
  status: number,
  page: SafeHtml,
  secrets: readonly string[],
  extra: Record<string, string | string[]> = {},
): ConsoleResponse {
  let body = page.value;
  for (const secret of secrets) {
    for (const form of new Set([secret, escapeHtml(secret)])) body = body.split(form).join(REDACTED);
  }
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS, ...extra },
    body,
  };
}
