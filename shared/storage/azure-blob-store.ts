/**
 * An `ObjectStore` on an Azure Blob Storage container (optionally under a prefix), through the Blob
 * endpoint. Works on Azurite and on ADLS Gen2 (hierarchical namespace) accounts alike, as delta-rs does.
 *
 * Invariant: `putIfAbsent` is one Put Blob with `If-None-Match: *`, which the service applies
 * atomically; the object becomes visible whole or not at all. "Already exists" comes back as 412
 * ConditionNotMet (Azure) or 409 BlobAlreadyExists (Azurite); both mean the name is taken.
 *
 * Ambiguous outcome: the SDK retries timeouts and 5xx, so a 409/412 may answer a retry of *our own*
 * attempt that already succeeded. We then read the blob: our bytes ⇒ 'created', other bytes ⇒
 * 'exists'. This is why the port makes `putIfAbsent` idempotent for identical bytes.
 */
import {
  ContainerClient,
  type BlobDownloadResponseParsed,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import type {
  ListOptions,
  ObjectMeta,
  ObjectStore,
  PutIfAbsentResult,
} from '../delta/storage/object-store.js';
import { NotFoundError } from '../delta/storage/object-store.js';
import { StoreError, type StoreOperation } from '../delta/storage/store-error.js';
import {
  bytesEqual,
  checkKey,
  checkPrefix,
  clampRange,
  compareKeys,
  isTempObjectKey,
} from '../delta/storage/store-rules.js';

/** Azure AD credential (e.g. `DefaultAzureCredential`), as the SDK's credential union defines it. */
export type TokenCredential = Extract<ContainerClient['credential'], { getToken: unknown }>;

export interface AzureBlobStoreOptions {
  container: ContainerClient;
  /** Key prefix inside the container, without surrounding slashes; '' (default) = container root. */
  prefix?: string;
  /** Shown in messages; defaults to `az://<container>/<prefix>`. */
  description?: string;
}

export class AzureBlobStore implements ObjectStore {
  readonly description: string;
  readonly container: ContainerClient;
  /** '' or '<prefix>/'. */
  readonly #root: string;

  constructor(options: AzureBlobStoreOptions) {
    this.container = options.container;
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.#root = prefix === '' ? '' : `${prefix}/`;
    this.description =
      options.description ?? `az://${this.container.containerName}${prefix === '' ? '' : `/${prefix}`}`;
  }

  /** A store over `containerName` of the account a connection string (key or SAS) names. */
  static fromConnectionString(
    connectionString: string,
    containerName: string,
    prefix = '',
    pipelineOptions?: StoragePipelineOptions,
  ): AzureBlobStore {
    return new AzureBlobStore({
      container: new ContainerClient(connectionString, containerName, pipelineOptions),
      prefix,
    });
  }

  /** Creates the container if needed: the port has no notion of containers, so setup code calls this. */
  async ensureContainer(): Promise<void> {
    await this.container.createIfNotExists();
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const blob = this.#blob(key);
    try {
      return await readBody(await blob.download());
    } catch (error) {
      if (httpStatus(error) === 404) return undefined;
      throw this.#fail('get', key, error);
    }
  }

  async getRange(key: string, start: number, end: number): Promise<Uint8Array> {
    const blob = this.#blob(key);
    clampRange(this.description, key, start, end, Number.MAX_SAFE_INTEGER);
    // A zero-length download would mean "to the end" to the service, so an empty range is a head.
    if (end === start) return this.#emptyIfExists(key);
    try {
      return await readBody(await blob.download(start, end - start));
    } catch (error) {
      const status = httpStatus(error);
      if (status === 404) throw new NotFoundError(this.description, key);
      if (status === 416) return this.#emptyIfExists(key); // start at or past the end
      throw this.#fail('getRange', key, error);
    }
  }

  async head(key: string): Promise<ObjectMeta | undefined> {
    const blob = this.#blob(key);
    try {
      const props = await blob.getProperties();
      // On HNS accounts a directory is a blob with this marker; it is not an object.
      if (props.metadata?.['hdi_isfolder'] === 'true') return undefined;
      return { key, size: props.contentLength ?? 0, lastModified: props.lastModified?.getTime() ?? 0 };
    } catch (error) {
      if (httpStatus(error) === 404) return undefined;
      throw this.#fail('head', key, error);
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ObjectMeta[]> {
    checkPrefix(this.description, prefix);
    const from = options.startAfterOrAt;
    const out: ObjectMeta[] = [];
    try {
      for await (const blob of this.container.listBlobsFlat({
        prefix: this.#root + prefix,
        includeMetadata: true,
      })) {
        if (blob.metadata?.['hdi_isfolder'] === 'true') continue;
        const key = blob.name.slice(this.#root.length);
        if (isTempObjectKey(key)) continue;
        if (from !== undefined && compareKeys(key, from) < 0) continue;
        if (options.endBefore !== undefined && compareKeys(key, options.endBefore) >= 0) break; // listed in order
        out.push({
          key,
          size: blob.properties.contentLength ?? 0,
          lastModified: blob.properties.lastModified.getTime(),
        });
      }
    } catch (error) {
      if (httpStatus(error) === 404) return []; // no container: nothing stored yet
      throw this.#fail('list', prefix, error);
    }
    // The service lists in UTF-8 byte order already; sorting again pins the port's order regardless.
    return out.sort((a, b) => compareKeys(a.key, b.key));
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    const blob = this.#blob(key);
    try {
      // uploadData is one Put Blob up to 256 MiB and a committed block list beyond: atomic either way.
      await blob.getBlockBlobClient().uploadData(data);
    } catch (error) {
      throw this.#fail('put', key, error);
    }
  }

  async putIfAbsent(key: string, data: Uint8Array): Promise<PutIfAbsentResult> {
    const blob = this.#blob(key);
    try {
      await blob.getBlockBlobClient().upload(data, data.byteLength, { conditions: { ifNoneMatch: '*' } });
      return { kind: 'created' };
    } catch (error) {
      const status = httpStatus(error);
      if (status !== 409 && status !== 412) throw this.#fail('putIfAbsent', key, error);
      const existing = await this.get(key);
      if (existing === undefined) {
        throw this.#fail('putIfAbsent', key, error, `service answered ${status} but the blob is absent`);
      }
      return { kind: bytesEqual(existing, data) ? 'created' : 'exists' };
    }
  }

  async delete(key: string): Promise<void> {
    const blob = this.#blob(key);
    try {
      await blob.deleteIfExists();
    } catch (error) {
      if (httpStatus(error) === 404) return; // container gone: the object is gone too
      throw this.#fail('delete', key, error);
    }
  }

  #blob(key: string) {
    checkKey(this.description, key);
    return this.container.getBlobClient(this.#root + key);
  }

  async #emptyIfExists(key: string): Promise<Uint8Array> {
    if ((await this.head(key)) === undefined) throw new NotFoundError(this.description, key);
    return new Uint8Array(0);
  }

  #fail(operation: StoreOperation, key: string, cause: unknown, reason?: string): StoreError {
    const status = httpStatus(cause);
    const code = errorCode(cause);
    const hint =
      code === 'ContainerNotFound'
        ? `container '${this.container.containerName}' does not exist (ensureContainer() creates it)`
        : undefined;
    const detail =
      reason ??
      hint ??
      [
        status === undefined ? undefined : `HTTP ${status}`,
        code,
        cause instanceof Error ? cause.message : String(cause),
      ]
        .filter((part) => part !== undefined)
        .join(' ');
    return new StoreError(this.description, operation, key, detail, { cause });
  }
}

async function readBody(response: BlobDownloadResponseParsed): Promise<Uint8Array> {
  const stream = response.readableStreamBody;
  if (stream === undefined) throw new Error('download returned no Node.js stream (not running on Node?)');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const body = Buffer.concat(chunks);
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
}

/** The HTTP status of an SDK `RestError` (read structurally: several SDK copies may be loaded). */
function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  return typeof error.statusCode === 'number' ? error.statusCode : undefined;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
