/** Every expectation type the engine knows, by GE name (core) or our name (retail pack). */
import { AGGREGATE_EXPECTATIONS } from './aggregate.js';
import { COLUMN_MAP_EXPECTATIONS } from './column-map.js';
import type { ExpectationDefinition } from './expectation-definition.js';
import { RETAIL_EXPECTATIONS } from './retail.js';

const REGISTRY: ReadonlyMap<string, ExpectationDefinition> = new Map(
  [...COLUMN_MAP_EXPECTATIONS, ...AGGREGATE_EXPECTATIONS, ...RETAIL_EXPECTATIONS].map((d) => [d.type, d]),
);

export function expectationDefinition(type: string): ExpectationDefinition | undefined {
  return REGISTRY.get(type);
}

export function expectationTypes(): string[] {
  return [...REGISTRY.keys()].sort();
}

/** For parseSuite: may this type carry severity `drop`? (Unknown types are reported at validation.) */
export function isRowLevel(type: string): boolean {
  return REGISTRY.get(type)?.rowLevel ?? true;
}
