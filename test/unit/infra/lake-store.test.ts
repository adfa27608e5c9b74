/**
 * shared/storage/lake-store.ts: the credential each lake URL scheme gets (abfss → Entra ID token,
 * az → connection string, folders → none), exercised through the stores it opens.
 */
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../../shared/config/config.js';
import {
  openLake,
  openLanding,
  processCredential,
  storeOptionsFor,
} from '../../../shared/storage/lake-store.js';
import type { TokenCredential } from '../../../shared/storage/azure-blob-store.js';

const ABFSS = 'abfss://lake@stlakeexample.dfs.core.windows.net/';
const fakeCredential: TokenCredential = {
  getToken: () => Promise.resolve({ token: 'fake', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

describe('openLake / openLanding', () => {
  it('abfss:// uses a token credential and no connection string, even when one is configured', () => {
    const settings = loadSettings({
      LAKE_URL: ABFSS,
      LAKE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
    });
    expect(storeOptionsFor(settings.LAKE_URL, settings, fakeCredential)).toEqual({
      credential: fakeCredential,
    });
    expect(() => openLake(settings, fakeCredential)).not.toThrow();
  });

  it('abfss:// without an explicit credential gets the one process-wide DefaultAzureCredential', () => {
    const settings = loadSettings({
      LAKE_URL: ABFSS,
      LANDING_URL: 'abfss://landing@stlakeexample.dfs.core.windows.net/pos-backoffice',
    });
    const lake = storeOptionsFor(settings.LAKE_URL, settings);
    const landing = storeOptionsFor(settings.LANDING_URL, settings);
    expect(lake.credential).toBeDefined();
    expect(lake.credential).toBe(landing.credential);
    expect(lake.credential).toBe(processCredential());
    expect(() => openLanding(settings)).not.toThrow();
  });

  it('az:// uses LAKE_STORAGE_CONNECTION_STRING, else AzureWebJobsStorage', () => {
    const own = loadSettings({
      LAKE_URL: 'az://lake',
      LAKE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      AzureWebJobsStorage: 'other',
    });
    expect(storeOptionsFor(own.LAKE_URL, own)).toEqual({
      azureConnectionString: 'UseDevelopmentStorage=true',
    });
    const host = loadSettings({ LAKE_URL: 'az://lake', AzureWebJobsStorage: 'UseDevelopmentStorage=true' });
    expect(storeOptionsFor(host.LAKE_URL, host)).toEqual({
      azureConnectionString: 'UseDevelopmentStorage=true',
    });
    expect(() => openLake(host)).not.toThrow();
  });

  it('az:// without any connection string fails with the store error that names what is missing', () => {
    const settings = loadSettings({ LAKE_URL: 'az://lake' });
    expect(() => openLake(settings)).toThrow(/connection string/);
  });

  it('folders and memory:// get no credential', async () => {
    const settings = loadSettings({
      LAKE_URL: 'memory://lake-store-test/root',
      LANDING_URL: '.local/landing',
    });
    expect(storeOptionsFor(settings.LAKE_URL, settings)).toEqual({});
    expect(storeOptionsFor(settings.LANDING_URL, settings)).toEqual({});
    const lake = openLake(settings);
    await lake.put('ops/probe.txt', new TextEncoder().encode('x'));
    expect(new TextDecoder().decode(await lake.get('ops/probe.txt'))).toBe('x');
  });
});
