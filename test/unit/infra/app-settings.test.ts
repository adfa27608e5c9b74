/**
 * The app settings infra/main.bicep sets are exactly the ones the code reads (shared/config/config.ts)
 * plus the platform's own, under the same names, with values the config schema accepts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTING_NAMES, loadSettings } from '../../../shared/config/config.js';
import { WORKER_NODE_OPTIONS } from '../../../shared/config/worker-node-options.js';
import {
  INFRA,
  REPO,
  find,
  literalString,
  objectEntries,
  objectKeys,
  params,
  readBicep,
} from './bicep-text.js';
import {
  FLEX_UNSUPPORTED_SETTINGS,
  LOCAL_ONLY_SETTINGS,
  NOT_SET_IN_AZURE,
  PLATFORM_SETTINGS,
} from './platform-settings.js';

const main = readBicep('main.bicep');
const settingVars = main.declarations.filter((d) => d.kind === 'var' && d.name.endsWith('AppSettings'));
/** name → Bicep value expression, over every `var …AppSettings` object. */
const bicepSettings = new Map<string, string>();
for (const v of settingVars) for (const [k, value] of objectEntries(v.value)) bicepSettings.set(k, value);
const sorted = (xs: Iterable<string>) => [...xs].sort();

describe('infra/main.bicep app settings', () => {
  it('are assembled from every …AppSettings variable, and only those, into the Function App', () => {
    expect(settingVars.length).toBeGreaterThan(3);
    const union = /\bappSettings:\s*union\(([^)]*)\)/.exec(find(main, 'module', 'functionApp').value);
    expect(union, 'functionApp params.appSettings must be union(<the …AppSettings vars>)').not.toBeNull();
    const args = (union?.[1] ?? '').split(',').map((s) => s.trim());
    expect(sorted(args)).toEqual(sorted(settingVars.map((v) => v.name)));
  });

  it('set every setting the code reads (minus the documented exceptions) and the platform settings, nothing else', () => {
    const expected = new Set([
      ...SETTING_NAMES.filter((n) => !(n in NOT_SET_IN_AZURE)),
      ...Object.keys(PLATFORM_SETTINGS),
    ]);
    const actual = new Set(bicepSettings.keys());
    const missing = sorted([...expected].filter((n) => !actual.has(n)));
    const unknown = sorted([...actual].filter((n) => !expected.has(n)));
    expect(missing, 'read by the code (SETTING_NAMES) but not set by main.bicep').toEqual([]);
    expect(
      unknown,
      'set by main.bicep but neither read by the code nor a documented platform setting',
    ).toEqual([]);
  });

  it('keep the exception lists honest: every exception is a setting the code reads, and none is set', () => {
    for (const name of Object.keys(NOT_SET_IN_AZURE)) {
      expect(
        SETTING_NAMES,
        `${name} is listed as "not set in Azure" but the code no longer reads it`,
      ).toContain(name);
      expect(bicepSettings.has(name), `${name} must not be set in Azure: ${NOT_SET_IN_AZURE[name]}`).toBe(
        false,
      );
    }
  });

  it('use identity-based connections: no connection string, key or SAS in any value', () => {
    for (const [name, value] of bicepSettings) {
      expect(value, name).not.toMatch(
        /AccountKey=|SharedAccessKey|listKeys\(|listConnectionStrings\(|UseDevelopmentStorage/,
      );
    }
    expect(bicepSettings.get('LAKE_URL')).toMatch(/^'abfss:\/\//);
    expect(bicepSettings.get('LANDING_URL')).toMatch(/^'abfss:\/\//);
  });

  it('name the trigger connection the way functions/ingest-eventhub.ts does', () => {
    const source = readFileSync(join(REPO, 'functions/ingest-eventhub.ts'), 'utf8');
    const connection = /EVENTHUB_CONNECTION_SETTING\s*=\s*'([^']+)'/.exec(source)?.[1];
    expect(connection).toBeDefined();
    expect(bicepSettings.has(`${connection ?? ''}__fullyQualifiedNamespace`)).toBe(true);
  });

  it('give the worker the Node options the ingest benchmark measures (WORKER_NODE_OPTIONS)', () => {
    expect(literalString(bicepSettings.get('NODE_OPTIONS') ?? '')).toBe(WORKER_NODE_OPTIONS);
  });

  it('leave the runtime to functionAppConfig (Flex Consumption rejects the old runtime settings)', () => {
    for (const name of FLEX_UNSUPPORTED_SETTINGS) expect(bicepSettings.has(name), name).toBe(false);
    const site = find(readBicep('modules/function-app.bicep'), 'resource', 'site').value;
    expect(site).toMatch(/functionAppConfig:\s*\{/);
    expect(site).toMatch(/runtime:\s*\{\s*name:\s*'node',\s*version:\s*nodeVersion\s*\}/);
    const nodeVersion = params(readBicep('modules/function-app.bicep')).find((p) => p.name === 'nodeVersion');
    expect(nodeVersion?.default).toBe("'20'");
  });

  it('have values the config schema accepts (literals and parameter defaults)', () => {
    const mainParams = new Map(params(main).map((p) => [p.name, p.default]));
    const env: Record<string, string> = {};
    for (const [name, value] of bicepSettings) {
      const literal = literalString(value) ?? literalString(mainParams.get(value) ?? '');
      if (literal !== undefined && SETTING_NAMES.includes(name)) env[name] = literal;
    }
    expect(Object.keys(env).length).toBeGreaterThan(10);
    const settings = loadSettings(env) as Record<string, unknown>;
    for (const [name, value] of Object.entries(env)) expect(String(settings[name]), name).toBe(value);
  });

  it('pass secrets as Key Vault references, never as values', () => {
    for (const name of ['PSEUDONYMIZATION_KEY', 'DATABRICKS_TOKEN']) {
      expect(bicepSettings.get(name), name).toMatch(
        /^'@Microsoft\.KeyVault\(SecretUri=\$\{keyVault\.outputs\.\w+SecretUri\}\)'$/,
      );
    }
  });

  it('leave optional settings out rather than empty (the schema rejects an empty URL or job id)', () => {
    for (const name of ['DATABRICKS_WORKSPACE_URL', 'DATABRICKS_JOB_ID', 'DATABRICKS_TOKEN']) {
      const holder = settingVars.find((v) => objectKeys(v.value).includes(name));
      expect(holder?.value, name).toMatch(/^[^{]*\?\s*(\{\s*\}\s*:\s*\{|\{[\s\S]*\}\s*:\s*\{\s*\}\s*$)/);
    }
  });
});

describe('local.settings.json', () => {
  it('holds only settings the code reads, platform settings, or documented local-only keys', () => {
    const local = JSON.parse(readFileSync(join(REPO, 'local.settings.json'), 'utf8')) as {
      Values: Record<string, string>;
    };
    const allowed = new Set([
      ...SETTING_NAMES,
      ...Object.keys(PLATFORM_SETTINGS),
      ...Object.keys(LOCAL_ONLY_SETTINGS),
    ]);
    expect(
      sorted(Object.keys(local.Values).filter((k) => !allowed.has(k))),
      'unknown keys in local.settings.json',
    ).toEqual([]);
  });
});

describe('infra/README.md settings table', () => {
  it('documents every app setting (code and platform) and the exceptions', () => {
    const readme = readFileSync(join(INFRA, 'README.md'), 'utf8');
    const rows = new Set([...readme.matchAll(/^\|\s*`([A-Za-z0-9_]+)`\s*\|/gm)].map((m) => m[1] ?? ''));
    const expected = [...SETTING_NAMES, ...Object.keys(PLATFORM_SETTINGS)];
    expect(sorted(expected.filter((n) => !rows.has(n))), 'settings missing from the README table').toEqual(
      [],
    );
    expect(
      sorted([...rows].filter((n) => !expected.includes(n))),
      'README rows for unknown settings',
    ).toEqual([]);
  });
});
