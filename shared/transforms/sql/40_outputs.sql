-- The complete new content of every rewritten partition: the restated store-days plus the current
-- rows of the other stores on the same dates (kept as they are).
CREATE OR REPLACE TEMP MACRO kept(t) AS TABLE
  SELECT x.* FROM query_table(t) x
  ANTI JOIN scope k ON k.store_id = x.store_id AND k.business_date = x.business_date;

CREATE OR REPLACE TEMP TABLE out_silver_transactions AS
SELECT * FROM new_silver_transactions UNION ALL BY NAME SELECT * FROM kept('existing_silver_transactions');

CREATE OR REPLACE TEMP TABLE out_silver_sales_lines AS
SELECT * FROM new_silver_sales_lines UNION ALL BY NAME SELECT * FROM kept('existing_silver_sales_lines');

CREATE OR REPLACE TEMP TABLE out_silver_tenders AS
SELECT * FROM new_silver_tenders UNION ALL BY NAME SELECT * FROM kept('existing_silver_tenders');

CREATE OR REPLACE TEMP TABLE out_gold_sales_store_hour AS
SELECT * FROM new_gold_sales_store_hour UNION ALL BY NAME SELECT * FROM kept('existing_gold_sales_store_hour');

CREATE OR REPLACE TEMP TABLE out_gold_basket_metrics_daily AS
SELECT * FROM new_gold_basket_metrics_daily UNION ALL BY NAME SELECT * FROM kept('existing_gold_basket_metrics_daily');

CREATE OR REPLACE TEMP TABLE out_gold_tender_mix_daily AS
SELECT * FROM new_gold_tender_mix_daily UNION ALL BY NAME SELECT * FROM kept('existing_gold_tender_mix_daily');

-- Sales history of the restated dates (`history_raw` holds only their files): the latest load of
-- each row wins.
CREATE OR REPLACE TEMP TABLE history AS
SELECT business_date, store_id, sku, units, net_sales, receipts
FROM history_raw
QUALIFY row_number() OVER (PARTITION BY business_date, store_id, sku ORDER BY loaded_at DESC, source_file DESC) = 1;

-- Product ranks depend on every store of the date, so they are computed after the merge.
CREATE OR REPLACE TEMP TABLE product_rows AS
SELECT business_date, store_id, sku, units, revenue, receipts, 'stream' AS source FROM product_stream
UNION ALL
SELECT h.business_date, h.store_id, h.sku, CAST(h.units AS DECIMAL(18,3)), h.net_sales, h.receipts, 'history'
FROM history h
SEMI JOIN scope k ON k.store_id = h.store_id AND k.business_date = h.business_date
ANTI JOIN streamed_store_days d ON d.store_id = h.store_id AND d.business_date = h.business_date
UNION ALL
SELECT business_date, store_id, sku, units, revenue, receipts, source FROM kept('existing_gold_product_sales_daily');

CREATE OR REPLACE TEMP TABLE out_gold_product_sales_daily AS
WITH chain AS (
  SELECT business_date, sku, sum(units) AS chain_units FROM product_rows GROUP BY business_date, sku
), overall AS (
  SELECT business_date, sku,
         row_number() OVER (PARTITION BY business_date ORDER BY chain_units DESC, sku ASC) AS rank_overall
  FROM chain
)
SELECT r.store_id, r.sku, p.product_name, p.category,
       CAST(r.units AS DECIMAL(18,3)) AS units,
       CAST(r.revenue AS DECIMAL(18,2)) AS revenue,
       CAST(r.receipts AS BIGINT) AS receipts,
       r.source,
       CAST(row_number() OVER (PARTITION BY r.business_date, r.store_id ORDER BY r.revenue DESC, r.sku ASC) AS INTEGER) AS rank_in_store,
       CAST(o.rank_overall AS INTEGER) AS rank_overall,
       r.business_date
FROM product_rows r
JOIN overall o ON o.business_date = r.business_date AND o.sku = r.sku
LEFT JOIN products p ON p.sku = r.sku;

-- Quarantine: re-derived for every event read this run, kept as it was for all others.
CREATE OR REPLACE TEMP TABLE out_silver_quarantine AS
SELECT * FROM new_silver_quarantine
UNION ALL BY NAME
SELECT q.* FROM existing_silver_quarantine q ANTI JOIN ev ON ev.event_id = q.event_id;
