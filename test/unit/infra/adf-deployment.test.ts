/**
 * The Data Factory pipeline the Bicep deploys is the one the orchestration calls: valid JSON with
 * exactly the parameters `batchLoadRunRequest` sends, every file under infra/adf deployed, the
 * datasets' containers created on the lake, and the app's landing URL pointing where the copy reads.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BATCH_LOAD_PARAMETERS,
  BATCH_LOAD_PIPELINE,
  batchLoadRunRequest,
} from '../../../shared/batch-load/adf-contract.js';
import { INFRA, find, literalString, objectEntries, params, readBicep } from './bicep-text.js';

interface AdfDocument {
  name: string;
  properties: {
    type?: string;
    parameters?: Record<string, { type: string; defaultValue?: unknown }>;
    typeProperties?: { location?: { fileSystem?: string }; url?: string };
    activities?: { name: string; type: string }[];
  };
}

const adfDir = join(INFRA, 'adf');
const adfFiles = (dir = adfDir): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? adfFiles(join(dir, e.name))
      : e.name.endsWith('.json')
        ? [relative(adfDir, join(dir, e.name))]
        : [],
  );
const readAdf = (path: string): AdfDocument =>
  JSON.parse(readFileSync(join(adfDir, path), 'utf8')) as AdfDocument;
const factoryModule = readBicep('modules/data-factory.bicep');
const main = readBicep('main.bicep');

describe('ADF batch-load pipeline as deployed by infra/', () => {
  it('every infra/adf file is valid JSON with a name and properties', () => {
    expect(adfFiles().length).toBeGreaterThanOrEqual(4);
    for (const path of adfFiles()) {
      const doc = readAdf(path);
      expect(doc.name, path).toMatch(/^[A-Za-z][\w-]*$/);
      expect(typeof doc.properties, path).toBe('object');
    }
  });

  it('has exactly the parameters the orchestration passes (BATCH_LOAD_PARAMETERS), all strings', () => {
    const pipeline = readAdf('batch-load.pipeline.json');
    expect(pipeline.name).toBe(BATCH_LOAD_PIPELINE);
    const sent = batchLoadRunRequest({
      businessDate: '2026-11-25',
      source: 'pos-backoffice',
      runKey: 'instance-1',
    });
    expect(sent.pipelineName).toBe(pipeline.name);
    expect(Object.keys(pipeline.properties.parameters ?? {}).sort()).toEqual(
      Object.values(BATCH_LOAD_PARAMETERS).sort(),
    );
    expect(Object.keys(sent.parameters).sort()).toEqual(
      Object.keys(pipeline.properties.parameters ?? {}).sort(),
    );
    for (const [name, p] of Object.entries(pipeline.properties.parameters ?? {}))
      expect(p.type.toLowerCase(), name).toBe('string');
  });

  it('the factory module deploys every file under infra/adf, each under its own name', () => {
    const loaded = [...factoryModule.text.matchAll(/loadJsonContent\('\.\.\/adf\/([^']+)'\)/g)].map(
      (m) => m[1],
    );
    expect(loaded.sort()).toEqual(adfFiles().sort());
    const kinds: Record<string, string> = {
      'linkedService/': 'Microsoft.DataFactory/factories/linkedservices',
      'dataset/': 'Microsoft.DataFactory/factories/datasets',
      '': 'Microsoft.DataFactory/factories/pipelines',
    };
    const vars = new Map(
      factoryModule.declarations.filter((d) => d.kind === 'var').map((d) => [d.value, d.name]),
    );
    for (const path of adfFiles()) {
      const variable = vars.get(`loadJsonContent('../adf/${path}')`);
      expect(variable, path).toBeDefined();
      const type = Object.entries(kinds).find(([prefix]) => path.startsWith(prefix))?.[1];
      const resource = factoryModule.declarations.find(
        (d) =>
          d.kind === 'resource' &&
          d.target.startsWith(`${type ?? ''}@`) &&
          objectEntries(d.value).get('name') === `${variable ?? ''}.name`,
      );
      expect(resource, `${path} deployed as ${type ?? '?'}`).toBeDefined();
    }
  });

  it('the linked service gets the lake URL through the parameter it declares, and no credentials', () => {
    const linked = readAdf('linkedService/LakeStorage.json');
    expect(linked.properties.type).toBe('AzureBlobFS');
    expect(Object.keys(linked.properties.parameters ?? {})).toEqual(['accountUrl']);
    expect(linked.properties.typeProperties?.url).toBe('@{linkedService().accountUrl}');
    const text = JSON.stringify(linked);
    expect(text).not.toMatch(/accountKey|sasUri|servicePrincipalKey|connectionString/i);
    expect(find(factoryModule, 'resource', 'linkedService').value).toMatch(/accountUrl:\s*\{/);
    expect(find(main, 'module', 'dataFactory').value).toMatch(
      /lakeDfsEndpoint:\s*lake\.outputs\.dfsEndpoint/,
    );
  });

  it('the datasets read and write containers the lake module creates, and the app lands where the copy reads', () => {
    const vars = new Map(
      main.declarations.filter((d) => d.kind === 'var').map((d) => [d.name, literalString(d.value)]),
    );
    const containers = (/containerNames:\s*\[([^\]]*)\]/.exec(find(main, 'module', 'lake').value)?.[1] ?? '')
      .split(',')
      .map((v) => vars.get(v.trim()));
    for (const path of adfFiles().filter((p) => p.startsWith('dataset/'))) {
      const fileSystem = readAdf(path).properties.typeProperties?.location?.fileSystem;
      expect(containers, `${path} fileSystem`).toContain(fileSystem);
    }
    expect(readAdf('dataset/LandingFiles.json').properties.typeProperties?.location?.fileSystem).toBe(
      vars.get('landingContainer'),
    );
    const settings = new Map<string, string>();
    for (const v of main.declarations.filter((d) => d.kind === 'var' && d.name.endsWith('AppSettings')))
      for (const [k, value] of objectEntries(v.value)) settings.set(k, value);
    // LANDING_URL = <landing container>/<source>, the folder the pipeline's `source` parameter names.
    expect(settings.get('LANDING_URL')).toBe("'abfss://${landingContainer}@${lakeDfsHost}/${batchSource}'");
    expect(settings.get('ADF_SOURCE')).toBe('batchSource');
    expect(params(main).find((p) => p.name === 'batchSource')?.default).toBe(
      `'${String(readAdf('batch-load.pipeline.json').properties.parameters?.['source']?.defaultValue)}'`,
    );
  });
});
