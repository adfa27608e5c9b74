/**
 * Just enough Bicep reading for the infra tests (the Bicep compiler cannot run here): comments removed,
 * declarations (param, var, resource, module, output) split into statements, object-literal keys read.
 * The scanner knows Bicep strings ('…' with \' escapes and ${…} holes, '''…''' verbatim strings), so
 * braces and `//` inside strings never count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const INFRA = join(REPO, 'infra');

export interface Param {
  name: string;
  type: string;
  decorators: string[];
  default?: string;
}
export interface Declaration {
  kind: 'param' | 'var' | 'resource' | 'module' | 'output' | 'type' | 'import' | 'targetScope';
  name: string;
  /** For resource: `Type@version`; module: path; output/param: type. */
  target: string;
  /** Everything after the `=` (resource/module: the body object, with any `if (…)` condition stripped). */
  value: string;
  existing: boolean;
  decorators: string[];
}

export interface BicepFile {
  path: string;
  text: string;
  declarations: Declaration[];
}

/** Every .bicep file under infra/ except the Databricks bundle. */
export function bicepFiles(): BicepFile[] {
  const out: BicepFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'databricks') walk(path);
      else if (entry.name.endsWith('.bicep')) out.push(readBicep(relative(INFRA, path)));
    }
  };
  walk(INFRA);
  return out;
}

export function readBicep(pathInInfra: string): BicepFile {
  const text = stripComments(readFileSync(join(INFRA, pathInInfra), 'utf8'));
  return { path: pathInInfra, text, declarations: declarations(text) };
}

export function find(file: BicepFile, kind: Declaration['kind'], name: string): Declaration {
  const d = file.declarations.find((x) => x.kind === kind && x.name === name);
  if (!d) throw new Error(`${file.path}: no ${kind} ${name}`);
  return d;
}

export function params(file: BicepFile): Param[] {
  return file.declarations
    .filter((d) => d.kind === 'param')
    .map((d) => ({
      name: d.name,
      type: d.target,
      decorators: d.decorators,
      ...(d.value ? { default: d.value } : {}),
    }));
}

/** Removes `//` and `/* *\/` comments outside strings, keeping line breaks. */
export function stripComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length;) {
    const end = stringEnd(text, i);
    if (end > i) {
      out += text.slice(i, end);
      i = end;
    } else if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      const stop = close < 0 ? text.length : close + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, '');
      i = stop;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}

/**
 * Keys of the object literals at the top level of `expr` (also both branches of `c ? {…} : {…}`),
 * ignoring keys of nested objects.
 */
export function objectKeys(expr: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let atLineStart = false;
  for (let i = 0; i < expr.length;) {
    const end = stringEnd(expr, i);
    if (end > i) {
      if (depth === 1 && atLineStart) {
        const rest = expr.slice(end).match(/^\s*:/);
        if (rest) keys.push(expr.slice(i + 1, end - 1));
      }
      atLineStart = false;
      i = end;
      continue;
    }
    const ch = expr[i] ?? '';
    if (ch === '{' || ch === '[' || ch === '(') {
      depth += ch === '{' ? 1 : 100;
      atLineStart = ch === '{';
    } else if (ch === '}' || ch === ']' || ch === ')') {
      depth -= ch === '}' ? 1 : 100;
      atLineStart = false;
    } else if (ch === '\n' || ch === ',') {
      atLineStart = true;
    } else if (/[A-Za-z_]/.test(ch) && depth === 1 && atLineStart) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*:/.exec(expr.slice(i));
      if (m?.[1]) keys.push(m[1]);
      atLineStart = false;
      while (i < expr.length && /[A-Za-z0-9_]/.test(expr[i] ?? '')) i++;
      continue;
    } else if (!/\s/.test(ch)) {
      atLineStart = false;
    }
    i++;
  }
  return keys;
}

/** `key: value` pairs (value text up to the end of its line) at the top level of an object literal. */
export function objectEntries(expr: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const key of objectKeys(expr)) {
    const m = new RegExp(`(?:^|[\\n{,])\\s*'?${key}'?\\s*:\\s*([^\\n]*)`).exec(expr);
    if (m?.[1] !== undefined) entries.set(key, m[1].trim().replace(/,$/, ''));
  }
  return entries;
}

/** A Bicep string literal without holes, e.g. `'0 5 * * * *'` → `0 5 * * * *`; else undefined. */
export function literalString(value: string): string | undefined {
  const m = /^'((?:[^'\\$]|\\.|\$(?!\{))*)'$/.exec(value.trim());
  return m?.[1]?.replace(/\\(.)/g, '$1');
}

function declarations(text: string): Declaration[] {
  const out: Declaration[] = [];
  const lines = text.split('\n');
  let decorators: string[] = [];
  let offset = 0;
  const starts: { line: string; at: number }[] = [];
  for (const line of lines) {
    starts.push({ line, at: offset });
    offset += line.length + 1;
  }
  for (let n = 0; n < starts.length; n++) {
    const { line, at } = starts[n] ?? { line: '', at: 0 };
    if (/^@/.test(line)) {
      const stop = statementEnd(text, at);
      decorators.push(text.slice(at, stop).trim());
      while (n + 1 < starts.length && (starts[n + 1]?.at ?? Infinity) < stop) n++;
      continue;
    }
    const m =
      /^(param|var|resource|module|output|type|import|targetScope)\b\s*([A-Za-z_][A-Za-z0-9_]*)?\s*/.exec(
        line,
      );
    if (!m) {
      if (line.trim() !== '') decorators = [];
      continue;
    }
    const kind = m[1] as Declaration['kind'];
    const stop = statementEnd(text, at);
    const statement = text.slice(at, stop);
    const eq = topLevelEquals(statement);
    const head = eq < 0 ? statement : statement.slice(0, eq);
    let value = eq < 0 ? '' : statement.slice(eq + 1).trim();
    const target = (/'([^']*)'/.exec(head)?.[1] ?? head.slice(m[0].length).trim().split(/\s+/)[0]) || '';
    if ((kind === 'resource' || kind === 'module') && value.startsWith('if'))
      value = value.slice(value.indexOf('{'));
    out.push({ kind, name: m[2] ?? '', target, value, existing: /\bexisting\b/.test(head), decorators });
    decorators = [];
    while (n + 1 < starts.length && (starts[n + 1]?.at ?? Infinity) < stop) n++;
  }
  return out;
}

/** Index just past the statement starting at `from`: the first newline outside brackets and strings. */
function statementEnd(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length;) {
    const end = stringEnd(text, i);
    if (end > i) {
      i = end;
      continue;
    }
    const ch = text[i];
    if (ch === '{' || ch === '[' || ch === '(') depth++;
    else if (ch === '}' || ch === ']' || ch === ')') depth--;
    else if (ch === '\n' && depth <= 0) return i;
    i++;
  }
  return text.length;
}

function topLevelEquals(statement: string): number {
  let depth = 0;
  for (let i = 0; i < statement.length;) {
    const end = stringEnd(statement, i);
    if (end > i) {
      i = end;
      continue;
    }
    const ch = statement[i];
    if (ch === '{' || ch === '[' || ch === '(') depth++;
    else if (ch === '}' || ch === ']' || ch === ')') depth--;
    else if (
      ch === '=' &&
      depth === 0 &&
      statement[i + 1] !== '=' &&
      statement[i - 1] !== '=' &&
      statement[i - 1] !== '!' &&
      statement[i - 1] !== '<' &&
      statement[i - 1] !== '>'
    )
      return i;
    i++;
  }
  return -1;
}

/** If a string literal starts at `i`, the index just past it; else `i`. */
function stringEnd(text: string, i: number): number {
  if (text.startsWith("'''", i)) {
    const close = text.indexOf("'''", i + 3);
    return close < 0 ? text.length : close + 3;
  }
  if (text[i] !== "'") return i;
  let j = i + 1;
  let holes = 0;
  while (j < text.length) {
    const ch = text[j];
    if (ch === '\\') j += 2;
    else if (holes === 0 && ch === "'") return j + 1;
    else if (text.startsWith('${', j)) {
      holes++;
      j += 2;
    } else if (holes > 0 && ch === '}') {
      holes--;
      j++;
    } else if (holes > 0 && ch === "'") {
      j = stringEnd(text, j);
    } else j++;
  }
  return text.length;
}
