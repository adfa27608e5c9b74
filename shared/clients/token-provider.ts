/**
 * The credential port of the REST clients. Shaped like `TokenCredential` from @azure/core-auth, so
 * the composition root can pass `DefaultAzureCredential` / `ManagedIdentityCredential` unchanged;
 * tests and PAT-based setups pass a plain object.
 */
export interface AccessToken {
  token: string;
  /** Milliseconds since the epoch. */
  expiresOnTimestamp: number;
}

export interface TokenProvider {
  getToken(scopes: string | string[]): Promise<AccessToken | null>;
}

/** Azure Resource Manager (Data Factory management API). */
export const ARM_SCOPE = 'https://management.azure.com/.default';
/** The Azure Databricks first-party application (same id in every tenant). */
export const AZURE_DATABRICKS_SCOPE = '2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default';

/**
 * Bearer header values for one scope, cached until `refreshBeforeMs` before expiry; `invalidate()`
 * drops the cache after a 401 so a revoked or rotated token is fetched again.
 */
export class BearerTokenCache {
  private cached: AccessToken | undefined;
  private inFlight: Promise<AccessToken> | undefined;

  constructor(
    private readonly provider: TokenProvider,
    private readonly scope: string,
    private readonly now: () => number = Date.now,
    private readonly refreshBeforeMs = 120_000,
  ) {}

  async header(): Promise<string> {
    const cached = this.cached;
    if (cached && cached.expiresOnTimestamp - this.refreshBeforeMs > this.now())
      return `Bearer ${cached.token}`;
    this.inFlight ??= this.fetch().finally(() => (this.inFlight = undefined));
    return `Bearer ${(await this.inFlight).token}`;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private async fetch(): Promise<AccessToken> {
    const token = await this.provider.getToken(this.scope);
    if (!token?.token) throw new Error(`no access token for scope ${this.scope}`);
    this.cached = token;
    return token;
  }
}
