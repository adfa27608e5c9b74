/**
 * The app settings that are not 1:1 with shared/config/config.ts, each with the reason. The infra
 * tests hold infra/main.bicep to: (SETTING_NAMES − NOT_SET_IN_AZURE) ∪ PLATFORM_SETTINGS, nothing else.
 */

/** Settings the Functions platform reads (not the app's code), set by the Bicep. */
export const PLATFORM_SETTINGS: Readonly<Record<string, string>> = {
  AzureWebJobsStorage__accountName:
    'identity-based host storage (host locks, Durable Functions queues/tables, Event Hub checkpoints): the account name instead of a connection string',
  PosEventHubConnection__fullyQualifiedNamespace:
    "identity-based connection of the Event Hub trigger, whose `connection` is 'PosEventHubConnection' (functions/ingest-eventhub.ts)",
  APPLICATIONINSIGHTS_CONNECTION_STRING:
    'where the host and worker send telemetry (identifies the component; not a secret)',
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING:
    'Authorization=AAD: telemetry is sent with the managed identity because local auth is disabled on Application Insights',
  NODE_OPTIONS:
    "read by Node itself: the worker's V8 young generation for batch landing (shared/config/worker-node-options.ts)",
};

/** Settings the code reads that Azure deliberately leaves unset. */
export const NOT_SET_IN_AZURE: Readonly<Record<string, string>> = {
  AzureWebJobsStorage:
    'a connection string would need shared keys (disabled) and would win over AzureWebJobsStorage__accountName',
  LAKE_STORAGE_CONNECTION_STRING:
    'the lake is abfss:// reached with the managed identity (shared/storage/lake-store.ts)',
  LAKEHOUSE_DEBUG: 'a CLI switch (stack traces on errors), not a service setting',
};

/** App settings the Flex Consumption plan rejects: the runtime is set in functionAppConfig.runtime. */
export const FLEX_UNSUPPORTED_SETTINGS = [
  'FUNCTIONS_WORKER_RUNTIME',
  'FUNCTIONS_EXTENSION_VERSION',
  'FUNCTIONS_WORKER_RUNTIME_VERSION',
  'WEBSITE_NODE_DEFAULT_VERSION',
  'WEBSITE_RUN_FROM_PACKAGE',
  'WEBSITE_CONTENTSHARE',
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
] as const;

/** Keys that only local.settings.json needs (Core Tools and the emulators). */
export const LOCAL_ONLY_SETTINGS: Readonly<Record<string, string>> = {
  FUNCTIONS_WORKER_RUNTIME:
    'Core Tools picks the language worker from it; on Flex the runtime is functionAppConfig.runtime',
  PosEventHubConnection:
    'the Event Hubs emulator connection string; Azure uses PosEventHubConnection__fullyQualifiedNamespace',
};
