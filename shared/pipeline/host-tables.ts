/**
 * Azure Table clients on the Functions host storage (run ledger, DQ results): a connection string
 * locally (Azurite), the managed identity in Azure (AzureWebJobsStorage__accountName).
 */
import { TableClient } from '@azure/data-tables';
import type { Settings } from '../config/config.js';
import { processCredential } from '../storage/lake-store.js';

export function hostTableClient(settings: Settings, table: string): TableClient | undefined {
  if (settings.AzureWebJobsStorage) {
    return TableClient.fromConnectionString(settings.AzureWebJobsStorage, table, {
      allowInsecureConnection: true,
    });
  }
  const account = settings.AzureWebJobsStorage__accountName;
  if (account)
    return new TableClient(`https://${account}.table.core.windows.net`, table, processCredential());
  return undefined;
}
