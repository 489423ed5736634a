/**
 * Pulls a human message out of an X3 error body: Syracuse `$diagnoses[].$message` ([inferred] Syracuse
 * convention), the cloud gateway's `$message` / `message` ([documented] §2.8, §2.3), GraphQL `errors[].message`,
 * or the plain text body (on-prem JWT errors are plain text, [documented] §2.2). Truncated; callers redact.
 */
export function describeServerMessage(text: string, maxChars = 300): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  let message: string | undefined;
  try {
    const body = JSON.parse(trimmed) as Record<string, unknown>;
    const diagnoses = body.$diagnoses;
    if (Array.isArray(diagnoses)) {
      message = diagnoses
        .map((d) => (d && typeof d === 'object' ? (d as Record<string, unknown>).$message : undefined))
        .filter((m): m is string => typeof m === 'string' && m !== '')
        .join('; ');
    }
    if (!message && Array.isArray(body.errors)) {
      message = body.errors
        .map((e) => (e && typeof e === 'object' ? (e as Record<string, unknown>).message : undefined))
        .filter((m): m is string => typeof m === 'string')
        .join('; ');
    }
    for (const key of ['$message', 'message', 'error_description', 'error', '$dataCode']) {
      if (!message && typeof body[key] === 'string' && body[key] !== '') message = body[key] as string;
    }
  } catch {
    message = trimmed;
  }
  if (!message) return undefined;
  return message.length > maxChars ? `${message.slice(0, maxChars - 3)}...` : message;
}
