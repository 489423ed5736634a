// The contract document and the conformance suite cite each other: every paragraph a case cites exists in
// docs/state-store-contract.md, and the document's table lists every case with exactly the paragraphs it cites.
import { readFileSync } from 'node:fs';
import { stateStoreConformanceCases } from '@mlc/sync-engine/testing';
import { describe, expect, it } from 'vitest';

const doc = readFileSync(new URL('../../../docs/state-store-contract.md', import.meta.url), 'utf8');

describe('docs/state-store-contract.md', () => {
  const paragraphs = new Set([...doc.matchAll(/^\*\*§([a-z0-9.-]+)\*\* — /gm)].map((m) => m[1]));

  it('defines every paragraph a conformance case cites', () => {
    const cited = stateStoreConformanceCases.flatMap((c) => c.contract.map((id) => `${c.id} → §${id}`));
    expect(cited.filter((c) => !paragraphs.has(c.split('§')[1] as string))).toEqual([]);
  });

  it('lists every case with the paragraphs it checks', () => {
    const rows = new Map(
      [...doc.matchAll(/^\| `([a-z-]+)` \| ([^|]+) \|$/gm)].map((m) => [
        m[1],
        (m[2] as string)
          .split(',')
          .map((s) => s.trim().replace(/^§/, ''))
          .filter(Boolean),
      ]),
    );
    for (const c of stateStoreConformanceCases) expect(rows.get(c.id), c.id).toEqual([...c.contract]);
    expect(rows.size).toBe(stateStoreConformanceCases.length);
  });
});
