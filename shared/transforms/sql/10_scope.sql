-- The store-days this run restates. A full run restates every store-day with events or history.
-- An incremental run restates the store-days of
--   1. events in Bronze files added since the watermark (late events included),
--   2. quarantined receipts whose missing store or SKU is now in the master data,
--   3. transactions already in Silver that one of those receipts supersedes (same transaction id),
--      voids or refunds (original id), or that refund/void one of them,
--   4. sales history rows added since the watermark.
CREATE OR REPLACE TEMP TABLE new_events AS
SELECT n.event_id, n.transaction_id, n.original_transaction_id, n.store_id,
       CAST(local_time(n.occurred_at, s.time_zone) AS DATE) AS business_date
FROM bronze_new n
LEFT JOIN stores s ON s.store_id = n.store_id;

CREATE OR REPLACE TEMP TABLE resolvable_quarantine AS
SELECT q.transaction_id, q.store_id, CAST(local_time(q.occurred_at, s.time_zone) AS DATE) AS business_date
FROM existing_silver_quarantine q
JOIN stores s ON s.store_id = q.store_id
WHERE q.reason_code = 'unknown_store'
   OR EXISTS (SELECT 1 FROM unnest(string_split(q.unknown_skus, ',')) AS u(sku) JOIN products p ON p.sku = u.sku);

CREATE OR REPLACE TEMP TABLE touched_transactions AS
SELECT transaction_id FROM new_events
UNION SELECT original_transaction_id FROM new_events WHERE original_transaction_id IS NOT NULL
UNION SELECT transaction_id FROM resolvable_quarantine;

CREATE OR REPLACE TEMP TABLE scope AS
SELECT DISTINCT store_id, business_date FROM (
  SELECT store_id, business_date FROM new_events
  UNION ALL
  SELECT store_id, business_date FROM resolvable_quarantine
  UNION ALL
  SELECT e.store_id, e.business_date
  FROM silver_transactions_all e
  WHERE e.transaction_id IN (SELECT transaction_id FROM touched_transactions)
     OR e.original_transaction_id IN (SELECT transaction_id FROM touched_transactions)
  UNION ALL
  SELECT store_id, business_date FROM history_new
);

-- UTC extent of each restated store-day (DST days are 23 or 25 hours), then per business date over
-- the stores concerned (for file pruning) and per store over its restated days (Silver keeps only the
-- Bronze rows inside it before placing them in local time; the semi-join on `scope` then keeps
-- exactly the restated store-days).
CREATE OR REPLACE TEMP TABLE scope_day_windows AS
SELECT k.store_id, k.business_date,
       timezone(coalesce(s.time_zone, 'UTC'), CAST(k.business_date AS TIMESTAMP)) AS utc_from,
       timezone(coalesce(s.time_zone, 'UTC'), CAST(k.business_date + 1 AS TIMESTAMP)) AS utc_to
FROM scope k
LEFT JOIN stores s ON s.store_id = k.store_id;

CREATE OR REPLACE TEMP TABLE scope_windows AS
SELECT business_date, min(utc_from) AS utc_from, max(utc_to) AS utc_to
FROM scope_day_windows
GROUP BY business_date;

CREATE OR REPLACE TEMP TABLE scope_store_windows AS
SELECT store_id, min(utc_from) AS utc_from, max(utc_to) AS utc_to
FROM scope_day_windows
GROUP BY store_id;
