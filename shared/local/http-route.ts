/**
 * ASP.NET-style route templates as Functions HTTP triggers use them: literal segments, `{name}`,
 * `{name:constraint}` (int, long, double, float, bool, guid, alpha, datetime), optional `{name?}` in
 * trailing position and catch-all `{*name}`. Literal matching is case-insensitive.
 */
export interface CompiledRoute {
  template: string;
  /** Parameters if `path` (without leading/trailing slash) matches, else undefined. */
  match(path: string): Record<string, string> | undefined;
}

const CONSTRAINTS: Record<string, RegExp> = {
  int: /^-?\d+$/,
  long: /^-?\d+$/,
  double: /^-?\d+(\.\d+)?$/,
  float: /^-?\d+(\.\d+)?$/,
  decimal: /^-?\d+(\.\d+)?$/,
  bool: /^(true|false)$/i,
  guid: /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i,
  alpha: /^[a-z]+$/i,
  datetime: /^\d{4}-\d{2}-\d{2}/,
};

type Segment =
  | { kind: 'literal'; text: string }
  | { kind: 'param'; name: string; optional: boolean; constraint?: RegExp }
  | { kind: 'catchAll'; name: string };

export function compileRoute(template: string): CompiledRoute {
  const segments = template
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .filter((s) => s !== '')
    .map(parseSegment);
  return {
    template,
    match(path) {
      const parts = path === '' ? [] : path.split('/');
      const params: Record<string, string> = {};
      for (let i = 0; i < segments.length; i++) {
        const segment = segments[i] as Segment;
        const part = parts[i];
        if (segment.kind === 'catchAll') {
          params[segment.name] = parts.slice(i).join('/');
          return params;
        }
        if (part === undefined) {
          if (segment.kind === 'param' && segment.optional) continue;
          return undefined;
        }
        if (segment.kind === 'literal') {
          if (segment.text.toLowerCase() !== part.toLowerCase()) return undefined;
        } else {
          if (segment.constraint !== undefined && !segment.constraint.test(part)) return undefined;
          params[segment.name] = part;
        }
      }
      return parts.length <= segments.length ? params : undefined;
    },
  };
}

function parseSegment(text: string): Segment {
  const param = /^\{(\*?)([A-Za-z_][\w]*)(?::([A-Za-z]+))?(\?)?\}$/.exec(text);
  if (param === null) return { kind: 'literal', text };
  const [, star, name, constraint, optional] = param;
  if (star === '*') return { kind: 'catchAll', name: name ?? '' };
  const regex = constraint === undefined ? undefined : CONSTRAINTS[constraint.toLowerCase()];
  return {
    kind: 'param',
    name: name ?? '',
    optional: optional === '?',
    ...(regex ? { constraint: regex } : {}),
  };
}
