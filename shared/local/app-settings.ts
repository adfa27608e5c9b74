/**
 * App settings as the host sees them: `local.settings.json` `Values` as defaults, overridden by the
 * settings passed to the runtime. Binding properties written as `%Name%` are resolved against them,
 * like the host's `INameResolver`; an unknown name is an error, as it is when the host indexes.
 */
import { readFile } from 'node:fs/promises';

export type AppSettings = Readonly<Record<string, string>>;

export class AppSettingError extends Error {
  constructor(
    readonly setting: string,
    readonly where: string,
  ) {
    super(`app setting "${setting}" referenced by ${where} is not defined`);
    this.name = 'AppSettingError';
  }
}

/** Reads `Values` from a local.settings.json (missing file → empty). */
export async function readLocalSettings(path: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return {};
  }
  const parsed: unknown = JSON.parse(text);
  const values =
    typeof parsed === 'object' && parsed !== null && 'Values' in parsed ? parsed.Values : undefined;
  const result: Record<string, string> = {};
  if (typeof values === 'object' && values !== null) {
    for (const [key, value] of Object.entries(values)) {
      if (value !== null && value !== undefined) result[key] = String(value);
    }
  }
  return result;
}

/** Replaces every `%Name%` in `value` with the setting's value. */
export function resolveSettingReferences(value: string, settings: AppSettings, where: string): string {
  return value.replace(/%([^%]+)%/g, (_match, name: string) => {
    const resolved = settings[name];
    if (resolved === undefined) throw new AppSettingError(name, where);
    return resolved;
  });
}
