// Durations, instants and counts are formatted alike by every operator output: the helpers live in @mlc/core.
export { formatCount, formatDuration, formatTime } from '@mlc/core';

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
