/**
 * Static security checks on the Bicep text (the compiler cannot run here): no anonymous or key-based
 * access, TLS 1.2 and HTTPS only, managed identities, secrets only as @secure() parameters and never
 * in outputs, and the least-privilege role assignments the app, the factory and operators need.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  INFRA,
  bicepFiles,
  find,
  objectEntries,
  params,
  readBicep,
  type BicepFile,
  type Declaration,
} from './bicep-text.js';

const files = bicepFiles();
const resources = (type: string): { file: BicepFile; decl: Declaration }[] =>
  files.flatMap((file) =>
    file.declarations
      .filter((d) => d.kind === 'resource' && !d.existing && d.target.split('@')[0] === type)
      .map((decl) => ({ file, decl })),
  );
/** Matches `key: value` with flexible spacing, e.g. prop('allowBlobPublicAccess', 'false'). */
const prop = (key: string, value: string) =>
  new RegExp(`\\b${key}:\\s*${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=\\s|$|\\})`);

describe('infra Bicep: data stores', () => {
  it('storage accounts: no anonymous blob access, no shared keys, TLS 1.2, HTTPS only, Entra ID by default', () => {
    const accounts = resources('Microsoft.Storage/storageAccounts');
    expect(accounts.length).toBeGreaterThan(0);
    for (const { file, decl } of accounts) {
      const where = `${file.path} resource ${decl.name}`;
      expect(decl.value, where).toMatch(prop('allowBlobPublicAccess', 'false'));
      expect(decl.value, where).toMatch(prop('allowSharedKeyAccess', 'false'));
      expect(decl.value, where).toMatch(prop('minimumTlsVersion', "'TLS1_2'"));
      expect(decl.value, where).toMatch(prop('supportsHttpsTrafficOnly', 'true'));
      expect(decl.value, where).toMatch(prop('defaultToOAuthAuthentication', 'true'));
    }
  });

  it('blob containers are private', () => {
    const containers = resources('Microsoft.Storage/storageAccounts/blobServices/containers');
    expect(containers.length).toBeGreaterThan(0);
    for (const { file, decl } of containers)
      expect(decl.value, `${file.path} ${decl.name}`).toMatch(prop('publicAccess', "'None'"));
  });

  it('the lake has a hierarchical namespace; the host storage does not need one', () => {
    const main = readBicep('main.bicep');
    expect(find(main, 'module', 'lake').value).toMatch(prop('isHnsEnabled', 'true'));
    expect(find(main, 'module', 'hostStorage').value).toMatch(prop('isHnsEnabled', 'false'));
  });

  it('Event Hubs: SAS (local auth) disabled, TLS 1.2', () => {
    const namespaces = resources('Microsoft.EventHub/namespaces');
    expect(namespaces.length).toBe(1);
    for (const { decl } of namespaces) {
      expect(decl.value).toMatch(prop('disableLocalAuth', 'true'));
      expect(decl.value).toMatch(prop('minimumTlsVersion', "'1.2'"));
    }
  });

  it('Key Vault: RBAC authorization and soft delete', () => {
    for (const { decl } of resources('Microsoft.KeyVault/vaults')) {
      expect(decl.value).toMatch(prop('enableRbacAuthorization', 'true'));
      expect(decl.value).toMatch(prop('enableSoftDelete', 'true'));
      expect(decl.value).not.toMatch(/accessPolicies/);
    }
  });

  it('Application Insights: no instrumentation-key ingestion', () => {
    for (const { decl } of resources('Microsoft.Insights/components'))
      expect(decl.value).toMatch(prop('DisableLocalAuth', 'true'));
  });
});

describe('infra Bicep: compute and identities', () => {
  it('the Function App: HTTPS only, TLS 1.2, FTP off, basic publishing credentials off, system-assigned identity', () => {
    const [site] = resources('Microsoft.Web/sites');
    expect(site).toBeDefined();
    const body = site?.decl.value ?? '';
    expect(body).toMatch(prop('httpsOnly', 'true'));
    expect(body).toMatch(prop('minTlsVersion', "'1.2'"));
    expect(body).toMatch(prop('ftpsState', "'Disabled'"));
    expect(body).toMatch(/identity:\s*\{\s*type:\s*'SystemAssigned'\s*\}/);
    expect(body).toMatch(/authentication:\s*\{\s*type:\s*'SystemAssignedIdentity'\s*\}/);
    const policies = resources('Microsoft.Web/sites/basicPublishingCredentialsPolicies');
    expect(policies.map((p) => objectEntries(p.decl.value).get('name')).sort()).toEqual(["'ftp'", "'scm'"]);
    for (const p of policies) expect(p.decl.value).toMatch(/properties:\s*\{\s*allow:\s*false\s*\}/);
  });

  it('the Flex Consumption plan', () => {
    const [plan] = resources('Microsoft.Web/serverfarms');
    expect(plan?.decl.value).toMatch(/sku:\s*\{\s*tier:\s*'FlexConsumption',\s*name:\s*'FC1'\s*\}/);
    expect(plan?.decl.value).toMatch(prop('reserved', 'true'));
  });

  it('the Data Factory and the Databricks access connector have system-assigned identities', () => {
    for (const type of ['Microsoft.DataFactory/factories', 'Microsoft.Databricks/accessConnectors']) {
      const found = resources(type);
      expect(found.length, type).toBe(1);
      for (const { decl } of found)
        expect(decl.value, type).toMatch(/identity:\s*\{\s*type:\s*'SystemAssigned'\s*\}/);
    }
  });
});

describe('infra Bicep: secrets', () => {
  const secretName = /(key|secret|password|token|connectionstring|pat)$/i;

  it('every parameter named like a secret is @secure()', () => {
    for (const file of files) {
      for (const p of params(file)) {
        if (p.type !== 'string' || !secretName.test(p.name)) continue;
        expect(
          p.decorators.some((d) => d.startsWith('@secure()')),
          `${file.path} param ${p.name} must be @secure()`,
        ).toBe(true);
      }
    }
  });

  it('secure parameters have no default but empty, and no parameters file carries one', () => {
    const secure = files.flatMap((f) =>
      params(f).filter((p) => p.decorators.some((d) => d.startsWith('@secure()'))),
    );
    expect(secure.map((p) => p.name)).toContain('pseudonymizationKey');
    for (const p of secure) expect(p.default ?? "''", p.name).toBe("''");
    const parametersFile = JSON.parse(readFileSync(join(INFRA, 'main.parameters.json'), 'utf8')) as {
      parameters: Record<string, unknown>;
    };
    for (const p of secure) expect(Object.keys(parametersFile.parameters), p.name).not.toContain(p.name);
  });

  it('no output exposes a secret, a key or a secure parameter', () => {
    for (const file of files) {
      const secure = params(file)
        .filter((p) => p.decorators.some((d) => d.startsWith('@secure()')))
        .map((p) => p.name);
      for (const o of file.declarations.filter((d) => d.kind === 'output')) {
        const where = `${file.path} output ${o.name}`;
        expect(o.name, where).not.toMatch(secretName);
        expect(o.value, where).not.toMatch(/list\w*\(|\.properties\.value\b|secureString/i);
        for (const name of secure) expect(o.value, where).not.toMatch(new RegExp(`\\b${name}\\b`));
      }
    }
  });

  it('no keys are read or written anywhere: no listKeys(), no connection strings with keys, no SAS', () => {
    for (const file of files) {
      expect(file.text, file.path).not.toMatch(/\blist(Keys|ConnectionStrings|AccountSas|ServiceSas)\s*\(/);
      expect(file.text, file.path).not.toMatch(/AccountKey=|SharedAccessKey(Name)?=|SharedAccessSignature/);
    }
  });
});

describe('infra Bicep: role assignments', () => {
  const roleIds = JSON.parse(readFileSync(join(INFRA, 'modules/role-definitions.json'), 'utf8')) as Record<
    string,
    string
  >;
  const main = readBicep('main.bicep');
  /** "<module target>|<principal expression>|<role>" for every grant main.bicep passes to an rbac module. */
  const grants = (): string[] => {
    const vars = new Map(main.declarations.filter((d) => d.kind === 'var').map((d) => [d.name, d.value]));
    const out: string[] = [];
    for (const m of main.declarations.filter(
      (d) => d.kind === 'module' && d.target.startsWith('modules/rbac-'),
    )) {
      const paramsBody = /params:\s*(\{[\s\S]*\})\s*\}\s*$/.exec(m.value)?.[1] ?? '';
      const entries = objectEntries(paramsBody);
      const scope = [...entries]
        .filter(([k]) => k.endsWith('Name'))
        .map(([, v]) => v)
        .join('/');
      const assignments = /assignments:\s*(concat\([^)]*\)|\[[\s\S]*?\n\s*\])/.exec(paramsBody)?.[1] ?? '';
      const sources = assignments.startsWith('concat(')
        ? assignments
            .slice(7, -1)
            .split(',')
            .map((v) => vars.get(v.trim()) ?? '')
        : [assignments];
      for (const source of sources)
        for (const g of source.matchAll(/principalId:\s*([\w.]+),\s*role:\s*'([^']+)'/g))
          out.push(`${scope}|${g[1]}|${g[2]}`);
    }
    return out;
  };

  it('every role name resolves to a built-in role id', () => {
    for (const id of Object.values(roleIds))
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    for (const g of grants()) expect(Object.keys(roleIds), g).toContain(g.split('|')[2]);
  });

  it('grant exactly the least-privilege set the services need', () => {
    const app = 'functionApp.outputs.principalId';
    expect(grants().sort()).toEqual(
      [
        `lake.outputs.name|${app}|Storage Blob Data Contributor`,
        'lake.outputs.name|dataFactory.outputs.principalId|Storage Blob Data Contributor',
        'lake.outputs.name|databricks.outputs.accessConnectorPrincipalId|Storage Blob Data Contributor',
        'lake.outputs.name|id|Storage Blob Data Contributor',
        `hostStorage.outputs.name|${app}|Storage Blob Data Owner`,
        `hostStorage.outputs.name|${app}|Storage Queue Data Contributor`,
        `hostStorage.outputs.name|${app}|Storage Table Data Contributor`,
        `eventHubs.outputs.namespaceName/eventHubs.outputs.eventHubName|${app}|Azure Event Hubs Data Receiver`,
        'eventHubs.outputs.namespaceName/eventHubs.outputs.eventHubName|id|Azure Event Hubs Data Sender',
        'eventHubs.outputs.namespaceName/eventHubs.outputs.eventHubName|id|Azure Event Hubs Data Sender',
        `dataFactory.outputs.name|${app}|Data Factory Contributor`,
        `keyVault.outputs.name|${app}|Key Vault Secrets User`,
        `monitoring.outputs.appInsightsName|${app}|Monitoring Metrics Publisher`,
      ].sort(),
    );
  });

  it('role assignment names are deterministic per scope, principal and role (re-deployments update, never duplicate)', () => {
    for (const file of files.filter((f) => f.path.startsWith('modules/rbac-'))) {
      const [grant] = file.declarations.filter(
        (d) => d.kind === 'resource' && d.target.startsWith('Microsoft.Authorization/roleAssignments'),
      );
      expect(grant?.value, file.path).toMatch(
        /name:\s*guid\(target\.id,\s*a\.principalId,\s*roleIds\[a\.role\]\)/,
      );
      expect(grant?.value, file.path).toMatch(/scope:\s*target\b/);
    }
  });
});
