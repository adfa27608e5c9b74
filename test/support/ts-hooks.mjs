/**
 * Node module hooks that let a plain `node` child process import this repo's TypeScript sources, so
 * cross-process tests run the real store code rather than a re-implementation of its protocol.
 *
 * Use: `node --import <tsHooksImport()> worker.ts` (see ts-child.ts). Each `.ts` file is transpiled
 * alone with the project's own `typescript` (no type check, like vitest); a relative `./x.js`
 * specifier falls back to `./x.ts`, matching NodeNext source imports.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith('.') || specifier.startsWith('file:');
    if (!relative || !specifier.endsWith('.js')) throw error;
    return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const { outputText } = ts.transpileModule(await readFile(fileName, 'utf8'), {
    fileName,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      inlineSourceMap: true,
    },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
