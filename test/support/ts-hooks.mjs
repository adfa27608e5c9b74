/**
 * Node module hooks that let a plain `node` child process import this repo's TypeScript sources, so
 * cross-process tests run the real store code rather than a re-implementation of its protocol.
 *
 * Use: `node --import <register data: URL> worker.ts` (see ts-child.ts). Each `.ts` file is transpiled
 * alone with the project's own `typescript` (no type check, like vitest); a relative `./x.js`
 * specifier falls back to `./x.ts`, matching NodeNext source imports. Output is cached on disk by
 * content hash, because loading the compiler costs each child about a second of CPU; with a warm cache
 * a child never loads it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const compilerVersion = JSON.parse(
  await readFile(require.resolve('typescript/package.json'), 'utf8'),
).version;
const cacheDir = join(tmpdir(), 'pos-lakehouse-ts-hooks');

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
  const source = await readFile(fileName, 'utf8');
  const key = createHash('sha256').update(`${compilerVersion}\0${fileName}\0${source}`).digest('hex');
  const cached = join(cacheDir, `${key}.mjs`);
  try {
    return { format: 'module', source: await readFile(cached, 'utf8'), shortCircuit: true };
  } catch {
    // not cached yet
  }
  const { default: ts } = await import('typescript');
  const { outputText } = ts.transpileModule(source, {
    fileName,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true },
  });
  // Write-then-rename: racing children must never read a half-written cache entry.
  await mkdir(cacheDir, { recursive: true });
  const temp = `${cached}.${randomUUID()}.tmp`;
  await writeFile(temp, outputText);
  await rename(temp, cached);
  return { format: 'module', source: outputText, shortCircuit: true };
}
