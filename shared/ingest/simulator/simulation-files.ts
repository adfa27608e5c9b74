/**
 * The files of a simulation on disk: events.jsonl (one body per line, arrival order), stores.csv,
 * products.csv, history/sales_daily_<date>.csv and manifest.json — what `lakehouse simulate` writes
 * and `lakehouse run` lands from.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toCsv } from './csv.js';
import type { Simulation } from './pos-traffic.js';

const STORE_COLUMNS =
  'store_id,name,city,country,time_zone,currency,open_hour,close_hour,registers,tax_rate,opened_date'.split(
    ',',
  );

export async function writeMasterData(out: string, sim: Simulation): Promise<void> {
  await mkdir(join(out, 'history'), { recursive: true });
  await writeFile(
    join(out, 'stores.csv'),
    toCsv(
      STORE_COLUMNS,
      sim.stores.map((s) => [
        s.storeId,
        s.name,
        s.city,
        s.country,
        s.timeZone,
        s.currency,
        s.openHour,
        s.closeHour,
        s.registers,
        (s.taxBp / 10_000).toFixed(4),
        s.openedDate,
      ]),
    ),
  );
  await writeFile(
    join(out, 'products.csv'),
    toCsv(
      ['sku', 'name', 'category', 'brand', 'unit_price', 'tax_exempt'],
      sim.products.map((p) => [p.sku, p.name, p.category, p.brand, cents(p.priceCents), p.taxExempt]),
    ),
  );
  const byDay = new Map<string, (string | number)[][]>();
  for (const h of sim.history) {
    const rows = byDay.get(h.businessDate) ?? [];
    rows.push([h.businessDate, h.storeId, h.sku, h.units, cents(h.netSalesCents), h.receipts]);
    byDay.set(h.businessDate, rows);
  }
  for (const [day, rows] of byDay) {
    await writeFile(
      join(out, 'history', `sales_daily_${day}.csv`),
      toCsv(['business_date', 'store_id', 'sku', 'units', 'net_sales', 'receipts'], rows),
    );
  }
  await writeFile(
    join(out, 'manifest.json'),
    JSON.stringify({ generator: 'lakehouse simulate', options: sim.options, summary: sim.summary }, null, 2) +
      '\n',
  );
}

export async function writeEventsFile(path: string, sim: Simulation): Promise<void> {
  const stream = createWriteStream(path);
  await writeLines(stream, sim);
  await new Promise<void>((resolve, reject) =>
    stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
}

export async function writeLines(stream: NodeJS.WritableStream, sim: Simulation): Promise<void> {
  const chunk: string[] = [];
  for (const e of sim.events) {
    chunk.push(e.body);
    if (chunk.length === 5000) await write(stream, chunk.splice(0).join('\n') + '\n');
  }
  if (chunk.length) await write(stream, chunk.join('\n') + '\n');
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return stream.write(text)
    ? Promise.resolve()
    : new Promise((resolve) => stream.once('drain', () => resolve()));
}

function cents(c: number): string {
  return `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
}
