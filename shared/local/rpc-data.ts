/**
 * Builders for the typed data the host sends to the worker, and readers for what comes back. The
 * host's choices matter: strings are JSON-parsed by the library when possible, `string[]` travels as
 * `collectionString` (null/empty elements skipped), `long[]` as `collectionSint64`, objects as JSON.
 */
import type { RpcTypedData } from './functions-core-types.js';

export function stringData(value: string): RpcTypedData {
  return { string: value };
}

export function jsonData(value: unknown): RpcTypedData {
  return { json: JSON.stringify(value ?? null) };
}

/** Like the host's `string[]` conversion: null and empty elements are dropped. */
export function stringCollection(values: readonly (string | null | undefined)[]): RpcTypedData {
  return {
    collectionString: { string: values.filter((v): v is string => typeof v === 'string' && v !== '') },
  };
}

/** What the host sends for `dataType: 'binary'`: each body's bytes, which the library hands over as Buffers. */
export function bytesData(value: Uint8Array): RpcTypedData {
  return { bytes: value };
}

export function bytesCollection(values: readonly Uint8Array[]): RpcTypedData {
  return { collectionBytes: { bytes: [...values] } };
}

export function sint64Collection(values: readonly number[]): RpcTypedData {
  return { collectionSint64: { sint64: [...values] } };
}

/** Decodes a returned value the way the host would hand it on (JSON text parsed, bytes kept). */
export function fromTypedData(data: RpcTypedData | null | undefined): unknown {
  if (data === null || data === undefined) return undefined;
  if (typeof data.json === 'string') return JSON.parse(data.json) as unknown;
  if (typeof data.string === 'string') return data.string;
  if (data.bytes) return Buffer.from(data.bytes);
  if (data.stream) return Buffer.from(data.stream);
  if (typeof data.int === 'number') return data.int;
  if (typeof data.double === 'number') return data.double;
  if (data.http) return data.http;
  return undefined;
}
