-- Master data: the batch load appends whole snapshots; the latest row per key (by loaded_at) wins.
CREATE OR REPLACE TEMP TABLE stores AS
SELECT store_id, time_zone, currency
FROM stores_raw
QUALIFY row_number() OVER (PARTITION BY store_id ORDER BY loaded_at DESC, source_file DESC) = 1;

CREATE OR REPLACE TEMP TABLE products AS
SELECT sku, name AS product_name, category, brand
FROM products_raw
QUALIFY row_number() OVER (PARTITION BY sku ORDER BY loaded_at DESC, source_file DESC) = 1;

-- Store-local wall-clock time of an instant; stores missing from the master data are placed in UTC
-- (their receipts are quarantined, and the store-day is restated once the store arrives).
CREATE OR REPLACE TEMP MACRO local_time(ts, tz) AS timezone(coalesce(tz, 'UTC'), ts);
