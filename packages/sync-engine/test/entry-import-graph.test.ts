import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packagesDir = fileURLToPath(new URL('../..', import.meta.url));

// Statements that load a module at run time: `import … from`, `export … from`, bare `import '…'` and `import(…)`.
// `import type` / `export type` are erased and load nothing; an import whose every name is `type X` still loads the
// module under `verbatimModuleSyntax`, so it counts (the conservative reading).
const LOADS =
  /(?:^|\n)\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The source file a workspace specifier (`@mlc/core`, `@mlc/sync-engine/testing`) resolves to, from its exports. */
function workspaceEntry(specifier: string): string | undefined {
  const [, name = '', rest] = /^@mlc\/([^/]+)(\/.*)?$/.exec(specifier) ?? [];
  const manifest = join(packagesDir, name, 'package.json');
  if (!existsSync(manifest)) return undefined;
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: Record<string, { '@mlc/source'?: string }>;
  };
  const source = pkg.exports[rest ? `.${rest}` : '.']?.['@mlc/source'];
  return source ? join(packagesDir, name, source) : undefined;
}

/**
 * Every module loaded at run time by `entry` (a source file), following relative imports and the workspace's own
 * packages through their sources: the third-party packages reached and the workspace packages passed through.
 */
function runtimeImportsOf(entry: string): { packages: Set<string>; workspace: Set<string> } {
  const packages = new Set<string>();
  const workspace = new Set<string>();
  const seen = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(LOADS)) {
      const specifier = (m[1] ?? m[2]) as string;
      if (specifier.startsWith('.')) {
        queue.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      } else if (specifier.startsWith('@mlc/')) {
        workspace.add(specifier);
        const source = workspaceEntry(specifier);
        if (source) queue.push(source);
      } else if (!specifier.startsWith('node:')) {
        packages.add(
          specifier.startsWith('@')
            ? specifier.split('/').slice(0, 2).join('/')
            : (specifier.split('/')[0] as string),
        );
      }
    }
  }
  return { packages, workspace };
}

const engineSrc = fileURLToPath(new URL('../src/', import.meta.url));

describe('what an entry point loads', () => {
  it('the main entry loads no Sage X3 or Power BI client, so graphql, jose and p-queue stay out', () => {
    const { packages, workspace } = runtimeImportsOf(join(engineSrc, 'index.ts'));
    expect([...workspace].sort()).toEqual(['@mlc/core']);
    for (const heavy of ['graphql', 'jose', 'p-queue']) expect(packages).not.toContain(heavy);
    // The walk itself reaches what it should (a walker that follows nothing would pass the lines above).
    expect(packages).toContain('croner');
    expect(packages).toContain('ky');
  });

  it('/testing loads no vitest, so MemorySource and MemorySink work under any runner; /conformance does', () => {
    expect(runtimeImportsOf(join(engineSrc, 'testing.ts')).packages).not.toContain('vitest');
    expect(runtimeImportsOf(join(engineSrc, 'conformance.ts')).packages).toContain('vitest');
  });

  it('the Sage X3 and Power BI entries load their client (the walk sees a client when there is one)', () => {
    expect(runtimeImportsOf(join(engineSrc, 'sage-x3.ts')).packages).toContain('graphql');
    expect(runtimeImportsOf(join(engineSrc, 'powerbi.ts')).packages).toContain('p-queue');
  });
});
