/**
 * The one reader of `process.env`. Settings are decoded once at start-up; a bad configuration reports
 * every bad key at once. App settings keep the names Azure uses (they are set by infra/ with the same
 * names).
 */
import { z } from 'zod';

const baseSchema = z.object({
  /** Lake root: a local folder, `file:///…`, `az://container/prefix` or `abfss://…`. */
  LAKE_URL: z.string().min(1).default('.local/lake'),
  /** Storage connection string for `az://` lake URLs (Azurite locally). */
  LAKE_STORAGE_CONNECTION_STRING: z.string().optional(),
  AzureWebJobsStorage: z.string().optional(),
  /** Identity-based host storage (Azure): the run ledger and DQ results tables live there. */
  AzureWebJobsStorage__accountName: z.string().optional(),
  /** Zone for Spark's legacy zone-less timestamp partition values. */
  LAKEHOUSE_SESSION_TIME_ZONE: z.string().default('UTC'),
  /** Print stack traces on CLI errors. */
  LAKEHOUSE_DEBUG: z.string().optional(),
  /** Ingest (shared/ingest): Event Hub name and consumer group of the POS stream (the connection is the app setting named `PosEventHubConnection`). */
  POS_EVENTHUB_NAME: z.string().min(1).default('pos-events'),
  POS_EVENTHUB_CONSUMER_GROUP: z.string().min(1).default('$Default'),
  /** Largest accepted event body (bytes) and HTTP request body (bytes). */
  INGEST_MAX_EVENT_BYTES: z.coerce.number().int().positive().default(262_144),
  INGEST_MAX_HTTP_BODY_BYTES: z.coerce.number().int().positive().default(4_194_304),
  /** Most events in one HTTP request (a 4 MB body of tiny bad lines would otherwise be 2 M events). */
  INGEST_MAX_HTTP_EVENTS: z.coerce.number().int().positive().default(10_000),
  /** occurredAt window relative to the enqueued (or ingest) time. */
  INGEST_FUTURE_TOLERANCE_SECONDS: z.coerce.number().int().nonnegative().default(300),
  INGEST_MAX_EVENT_AGE_DAYS: z.coerce.number().int().positive().default(400),
  /** Maintenance timers (NCRONTAB, 6 fields, UTC) and compaction targets. */
  MAINTENANCE_BRONZE_COMPACT_SCHEDULE: z.string().min(1).default('0 5 * * * *'),
  MAINTENANCE_GOLD_COMPACT_SCHEDULE: z.string().min(1).default('0 30 4 * * *'),
  MAINTENANCE_VACUUM_SCHEDULE: z.string().min(1).default('0 0 5 * * *'),
  BRONZE_TARGET_FILE_SIZE_BYTES: z.coerce.number().int().positive().default(134_217_728),
  GOLD_TARGET_FILE_SIZE_BYTES: z.coerce.number().int().positive().default(33_554_432),
  MAINTENANCE_MAX_BYTES_PER_RUN: z.coerce.number().int().positive().default(2_147_483_648),
  /** Batch pipeline: nightly schedule and step engines (local = embedded loader / DuckDB). */
  PIPELINE_NIGHTLY_SCHEDULE: z.string().min(1).default('0 0 2 * * *'),
  PIPELINE_LOAD_ENGINE: z.enum(['local', 'adf']).default('local'),
  PIPELINE_TRANSFORM_ENGINE: z.enum(['local', 'databricks']).default('local'),
  /** Landing zone the batch load reads (stores.csv, products.csv, history/…): folder or az:// URL. */
  LANDING_URL: z.string().min(1).default('.local/landing'),
  /** Raw zone the ADF pipeline copies into (<ADF_SOURCE>/<businessDate>/…); loaded into Bronze after the copy. */
  RAW_URL: z.string().min(1).default('.local/raw'),
  /** Key for the keyed HMAC that pseudonymises customer ids (a Key Vault reference in Azure). */
  PSEUDONYMIZATION_KEY: z.string().min(16).optional(),
  /** Azure Data Factory running the batch-load pipeline (PIPELINE_LOAD_ENGINE=adf). */
  ADF_SUBSCRIPTION_ID: z.string().optional(),
  ADF_RESOURCE_GROUP: z.string().optional(),
  ADF_FACTORY_NAME: z.string().optional(),
  ADF_SOURCE: z.string().min(1).default('pos-backoffice'),
  /** Azure Databricks job running Silver/Gold (PIPELINE_TRANSFORM_ENGINE=databricks). */
  DATABRICKS_WORKSPACE_URL: z.string().url().optional(),
  DATABRICKS_JOB_ID: z.coerce.number().int().positive().optional(),
  /** Optional PAT (Key Vault reference); without it the managed identity gets an Entra ID token. */
  DATABRICKS_TOKEN: z.string().optional(),
});

const settingsSchema = baseSchema.superRefine((s, ctx) => {
  const need = (keys: (keyof typeof s)[], why: string) => {
    for (const key of keys)
      if (s[key] === undefined)
        ctx.addIssue({ code: 'custom', path: [key], message: `required when ${why}` });
  };
  // An unresolvable Key Vault reference reaches the app as its literal text: never use it as a secret.
  for (const key of ['PSEUDONYMIZATION_KEY', 'DATABRICKS_TOKEN'] as const) {
    if (s[key]?.startsWith('@Microsoft.KeyVault(')) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: 'is an unresolved Key Vault reference (check the app identity has Key Vault Secrets User)',
      });
    }
  }
  if (s.PIPELINE_LOAD_ENGINE === 'adf')
    need(['ADF_SUBSCRIPTION_ID', 'ADF_RESOURCE_GROUP', 'ADF_FACTORY_NAME'], 'PIPELINE_LOAD_ENGINE=adf');
  if (s.PIPELINE_TRANSFORM_ENGINE === 'databricks')
    need(['DATABRICKS_WORKSPACE_URL', 'DATABRICKS_JOB_ID'], 'PIPELINE_TRANSFORM_ENGINE=databricks');
});

export type Settings = z.infer<typeof settingsSchema>;

/** Every app setting the code reads (infra/ sets the same names; tests hold both lists equal). */
export const SETTING_NAMES: readonly string[] = Object.keys(baseSchema.shape);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function loadSettings(env: Record<string, string | undefined> = process.env): Settings {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return parsed.data;
}

/** Connection string for `az://` URLs: the lake's own, else the Functions host storage. */
export function lakeConnectionString(settings: Settings): string | undefined {
  return settings.LAKE_STORAGE_CONNECTION_STRING ?? settings.AzureWebJobsStorage;
}

/**
 * Makes app settings visible to the app as environment variables, as the Functions host does; a
 * variable already set in the environment wins unless `override`. Used by the local runtime only.
 */
export function publishAppSettings(
  values: Readonly<Record<string, string>>,
  override: ReadonlySet<string> = new Set(),
): void {
  for (const [key, value] of Object.entries(values)) {
    if (override.has(key) || process.env[key] === undefined) process.env[key] = value;
  }
}
