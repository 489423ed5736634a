import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);

/** Names the snippets use without defining them, with the type a host app would have. */
const AMBIENT: Record<string, string> = {
  tenantId: 'string',
  clientId: 'string',
  clientSecret: 'string',
  workspaceId: 'string',
  tokenUrl: 'string',
  pairingToken: 'string',
  pino: "() => import('@mlc/core').Logger",
  pageSomeone: '(message: string) => void',
  pager: '{ notify(message: string): void; resolve(message: string): void }',
  sync: "import('@mlc/sync-engine').Sync",
  x3: "import('@mlc/sage-x3-client').X3Client<import('@mlc/sage-x3-client').X3EntityMap<{ customer: import('@mlc/sage-x3-client').X3EntityDefinition<{ key: string; updatedAt: string; name: string; creditLimit: number }> }>>",
  store: "import('@mlc/sync-engine').StateStore",
  sink: "import('@mlc/sync-engine').SyncSink",
  streams: "Array<import('@mlc/sync-engine').StreamDefinition<unknown>>",
  oauth2RefreshTokenAuth: "typeof import('@mlc/sage-x3-client').oauth2RefreshTokenAuth",
  MyStore:
    "new (options: { file: string; clock: import('@mlc/core').Clock }) => import('@mlc/sync-engine').StateStore & { file: string }",
  tempFile: '() => string',
  writeMetaVersion: '(file: string, version: number) => void',
  fs: "typeof import('node:fs')",
};

function prelude(code: string): string {
  const declared = new Set([...code.matchAll(/\b(?:const|let|function|class)\s+(\w+)/g)].map((m) => m[1]));
  const imported = new Set(
    [...code.matchAll(/import\s*\{([^}]*)\}/g)].flatMap((m) =>
      (m[1] as string).split(',').map((s) => s.trim().split(/\s+/).at(-1) as string),
    ),
  );
  return Object.entries(AMBIENT)
    .filter(([name]) => !declared.has(name) && !imported.has(name) && new RegExp(`\\b${name}\\b`).test(code))
    .map(([name, type]) => `declare const ${name}: ${type};`)
    .join('\n');
}

describe('README', () => {
  it('has TypeScript snippets', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(4);
  });

  it('every TypeScript snippet type-checks against the real packages', () => {
    // Inside the package so `@mlc/*` resolve through the workspace (custom condition → sources).
    const local = join(packageDir, 'test', `.readme-${process.pid}`);
    mkdirSync(local, { recursive: true });
    try {
      const files = snippets.map((code, i) => {
        const file = join(local, `snippet-${i}.ts`);
        writeFileSync(file, `${prelude(code)}\n${code}\nexport {};\n`);
        return file;
      });
      const program = ts.createProgram(files, {
        target: ts.ScriptTarget.ES2022,
        lib: ['lib.es2023.d.ts'],
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        customConditions: ['@mlc/source'],
        types: ['node'],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        isolatedModules: true,
      });
      const diagnostics = ts
        .getPreEmitDiagnostics(program)
        .filter((d) => d.file && files.includes(d.file.fileName))
        .map(
          (d) =>
            `${d.file?.fileName.split('/').at(-1)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
        );
      expect(diagnostics).toEqual([]);
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  }, 240_000);
});
