import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BATCH_LOAD_PARAMETERS,
  BATCH_LOAD_PIPELINE,
  batchLoadRunRequest,
} from '../../../shared/batch-load/adf-contract.js';

interface Reference {
  referenceName: string;
  type: string;
  parameters?: Record<string, unknown>;
}
interface Pipeline {
  name: string;
  properties: {
    parameters: Record<string, { type: string; defaultValue?: unknown }>;
    activities: {
      name: string;
      type: string;
      dependsOn: unknown[];
      typeProperties: Record<string, unknown>;
      inputs: Reference[];
      outputs: Reference[];
    }[];
  };
}
interface Dataset {
  name: string;
  properties: { type: string; parameters?: Record<string, unknown>; linkedServiceName: Reference };
}

const read = <T>(path: string): T =>
  JSON.parse(readFileSync(new URL(`../../../infra/adf/${path}`, import.meta.url), 'utf8')) as T;

describe('infra/adf batch-load pipeline definition', () => {
  const pipeline = read<Pipeline>('batch-load.pipeline.json');

  it('has the name and exactly the parameters the client sends', () => {
    expect(pipeline.name).toBe(BATCH_LOAD_PIPELINE);
    expect(Object.keys(pipeline.properties.parameters).sort()).toEqual(
      Object.values(BATCH_LOAD_PARAMETERS).sort(),
    );
    const sent = batchLoadRunRequest({ businessDate: '2026-11-25', source: 'pos-backoffice', runKey: 'k' });
    expect(Object.keys(sent.parameters).sort()).toEqual(Object.keys(pipeline.properties.parameters).sort());
    for (const p of Object.values(pipeline.properties.parameters)) expect(p.type).toBe('string');
  });

  it('is a binary copy from the landing dataset to the raw dataset, referencing only declared parameters', () => {
    const [copy] = pipeline.properties.activities;
    expect(copy?.type).toBe('Copy');
    expect(copy?.typeProperties['source']).toMatchObject({ type: 'BinarySource' });
    expect(copy?.typeProperties['sink']).toMatchObject({ type: 'BinarySink' });
    const text = JSON.stringify(pipeline);
    for (const m of text.matchAll(/pipeline\(\)\.parameters\.(\w+)/g))
      expect(Object.keys(pipeline.properties.parameters)).toContain(m[1]);
    for (const ref of [...(copy?.inputs ?? []), ...(copy?.outputs ?? [])]) {
      const dataset = read<Dataset>(`dataset/${ref.referenceName}.json`);
      expect(dataset.name).toBe(ref.referenceName);
      expect(dataset.properties.type).toBe('Binary');
      expect(Object.keys(ref.parameters ?? {}).sort()).toEqual(
        Object.keys(dataset.properties.parameters ?? {}).sort(),
      );
      const linked = read<{ name: string }>(
        `linkedService/${dataset.properties.linkedServiceName.referenceName}.json`,
      );
      expect(linked.name).toBe(dataset.properties.linkedServiceName.referenceName);
    }
  });
});
