/**
 * The deploy and teardown scripts stay in step with the template: they parse, every parameter they
 * pass exists in main.bicep, every output they read is declared, and the parameters file declares
 * only known parameters.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INFRA, params, readBicep } from './bicep-text.js';

const main = readBicep('main.bicep');
const paramNames = params(main).map((p) => p.name);
const outputNames = main.declarations.filter((d) => d.kind === 'output').map((d) => d.name);
const script = (name: string) => readFileSync(join(INFRA, name), 'utf8');

describe('infra/deploy.sh and infra/teardown.sh', () => {
  for (const name of ['deploy.sh', 'teardown.sh']) {
    it(`${name} is valid bash and strict (set -euo pipefail)`, () => {
      const r = spawnSync('bash', ['-n', join(INFRA, name)], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(script(name)).toMatch(/^set -euo pipefail$/m);
    });

    it(`${name} reads only outputs main.bicep declares`, () => {
      const text = script(name);
      const read = new Set<string>();
      for (const m of text.matchAll(/\$\((?:deployment_output|output)\s+"?([A-Za-z]\w*)"?\)/g))
        if (m[1]) read.add(m[1]);
      const loop = /for name in ([\w ]+); do/.exec(text)?.[1];
      for (const n of loop?.split(/\s+/) ?? []) if (n) read.add(n);
      read.delete('name');
      expect(read.size).toBeGreaterThan(0);
      expect(
        [...read].filter((n) => !outputNames.includes(n)),
        `${name}: outputs not declared in main.bicep`,
      ).toEqual([]);
    });
  }

  it('deploy.sh passes only parameters main.bicep declares', () => {
    const text = script('deploy.sh');
    const passed = new Set<string>();
    for (const line of text.split('\n').filter((l) => /(^|\s|\()-p\s/.test(l)))
      for (const m of line.slice(line.indexOf('-p ')).matchAll(/(?:^|\s)(?:-p\s+)?([A-Za-z]\w*)="/g))
        if (m[1]) passed.add(m[1]);
    for (const m of text.matchAll(/\b(\w+): \{ value: /g)) if (m[1]) passed.add(m[1]);
    expect([...passed].sort()).toEqual(
      [
        'databricksJobId',
        'databricksToken',
        'databricksTokenInVault',
        'databricksWorkspaceUrl',
        'environmentName',
        'operatorPrincipalIds',
        'pseudonymizationKey',
      ].sort(),
    );
    for (const p of passed) expect(paramNames, `deploy.sh passes ${p}`).toContain(p);
  });

  it('main.parameters.json sets only declared parameters', () => {
    const file = JSON.parse(script('main.parameters.json')) as { parameters: Record<string, unknown> };
    expect(Object.keys(file.parameters).filter((p) => !paramNames.includes(p))).toEqual([]);
  });

  it('the HMAC secret deploy.sh looks for is the one the Key Vault module writes', () => {
    const kv = params(readBicep('modules/key-vault.bicep'));
    const secretName = (p: string) => kv.find((x) => x.name === p)?.default?.replace(/'/g, '');
    expect(script('deploy.sh')).toContain(
      `secret_exists "$vault" ${secretName('pseudonymizationKeySecretName') ?? '?'}`,
    );
    expect(script('deploy.sh')).toContain(
      `secret_exists "$vault" ${secretName('databricksTokenSecretName') ?? '?'}`,
    );
  });
});
