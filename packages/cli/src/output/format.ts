/** `1h 2m`, `3m 4s`, `5.2s`, `120ms`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (abs < 1000) return `${sign}${Math.round(abs)}ms`;
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(1)}s`;
  const s = Math.round(abs / 1000);
  if (abs < 3_600_000) return `${sign}${Math.floor(s / 60)}m ${s % 60}s`;
  if (abs < 86_400_000) return `${sign}${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${sign}${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** ISO-8601 UTC to the second, or `-`. */
export function formatTime(epochMs: number | undefined): string {
  if (epochMs === undefined || !Number.isFinite(epochMs)) return '-';
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** 1234567 → `1,234,567`. */
export function formatCount(n: number | undefined): string {
  return n === undefined ? '-' : n.toLocaleString('en-US');
}

/** A plain text table: a header row, a rule, and left-aligned columns. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/**
 * Parses `--since`: an ISO-8601 instant, or a duration before now (`30m`, `2h`, `7d`).
 * Returns epoch ms, or undefined when the text is neither.
 */
export function parseSince(text: string, now: number): number | undefined {
  const relative = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(text.trim());
  if (relative) {
    const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 's' | 'm' | 'h' | 'd'];
    return now - Number(relative[1]) * unit;
  }
  const at = Date.parse(text);
  return Number.isFinite(at) ? at : undefined;
}
