-- Silver: one row per receipt, line and tender for the store-days in `scope`.

-- Bronze events of the restated store-days, placed in their store's business day and hour.
CREATE OR REPLACE TEMP TABLE ev AS
WITH located AS (
  SELECT b.event_id, b.event_type, b.transaction_id, b.original_transaction_id, b.store_id,
         b.register_id, b.cashier_id, b.customer_id, b.occurred_at, b.currency, b.line_count,
         b.subtotal, b.tax, b.total, b.loyalty_points, b.raw_payload, b.ingest_time,
         b.eh_sequence_number,
         s.store_id IS NOT NULL AS store_known,
         local_time(b.occurred_at, s.time_zone) AS local_ts
  FROM bronze b
  JOIN scope_store_windows w
    ON w.store_id = b.store_id AND b.occurred_at >= w.utc_from AND b.occurred_at < w.utc_to
  LEFT JOIN stores s ON s.store_id = b.store_id
)
SELECT l.* EXCLUDE (local_ts),
       CAST(l.local_ts AS DATE) AS business_date,
       CAST(hour(l.local_ts) AS INTEGER) AS business_hour
FROM located l
SEMI JOIN scope k ON k.store_id = l.store_id AND k.business_date = CAST(l.local_ts AS DATE);

-- Dedupe 1: a redelivered event (same event id) counts once, as first ingested.
-- Dedupe 2: one receipt per transaction id, the latest by occurredAt, then by ingest order.
CREATE OR REPLACE TEMP TABLE receipts AS
WITH first_delivery AS (
  SELECT * FROM ev
  QUALIFY row_number() OVER (
    PARTITION BY event_id
    ORDER BY ingest_time ASC, eh_sequence_number ASC NULLS LAST, raw_payload ASC) = 1
)
SELECT * FROM first_delivery
QUALIFY row_number() OVER (
  PARTITION BY transaction_id
  ORDER BY occurred_at DESC, ingest_time DESC, eh_sequence_number DESC NULLS LAST, event_id DESC) = 1;

-- Receipts whose lines and tenders Silver already holds exactly as their payload says (incremental runs
-- only: `existing_*` are empty on a full run): Silver has the transaction from the same winning event,
-- and no new event can change that (neither a new delivery of the event nor a new version of its
-- transaction), and it is not a void (Silver keeps no void lines). Their lines and tenders are read
-- back from Silver instead of parsing the payload again.
CREATE OR REPLACE TEMP TABLE reused AS
SELECT r.transaction_id
FROM receipts r
JOIN existing_silver_transactions s ON s.transaction_id = r.transaction_id AND s.event_id = r.event_id
ANTI JOIN touched_transactions t ON t.transaction_id = r.transaction_id
ANTI JOIN new_events n ON n.event_id = r.event_id
WHERE s.event_type <> 'void';

-- Lines and tenders from the payload. Money arrives as JSON numbers or decimal strings; both are read
-- as text and cast to exact decimals (never through a float).
CREATE OR REPLACE TEMP TABLE receipt_lines AS
WITH exploded AS (
  SELECT r.transaction_id,
         unnest(from_json(json_extract(r.raw_payload, '$.lines'),
           '[{"lineNo":"INTEGER","sku":"VARCHAR","quantity":"VARCHAR","unitPrice":"VARCHAR","discount":"VARCHAR","lineTotal":"VARCHAR"}]')) AS line
  FROM receipts r
  ANTI JOIN reused u ON u.transaction_id = r.transaction_id
)
SELECT transaction_id,
       line.lineNo AS line_no,
       line.sku AS sku,
       CAST(line.quantity AS DECIMAL(18,3)) AS quantity,
       CAST(line.unitPrice AS DECIMAL(18,2)) AS unit_price,
       CAST(coalesce(line.discount, '0') AS DECIMAL(18,2)) AS discount,
       CAST(line.lineTotal AS DECIMAL(18,2)) AS line_total
FROM exploded
UNION ALL
SELECT l.transaction_id, l.line_no, l.sku, l.quantity, l.unit_price, l.discount, l.line_total
FROM existing_silver_sales_lines l
SEMI JOIN reused u ON u.transaction_id = l.transaction_id;

CREATE OR REPLACE TEMP TABLE receipt_tenders AS
WITH parsed AS (
  SELECT r.transaction_id,
         from_json(json_extract(r.raw_payload, '$.tenders'), '[{"method":"VARCHAR","amount":"VARCHAR"}]') AS tenders
  FROM receipts r
  ANTI JOIN reused u ON u.transaction_id = r.transaction_id
)
SELECT transaction_id,
       CAST(generate_subscripts(tenders, 1) AS INTEGER) AS tender_no,
       unnest(tenders).method AS method,
       CAST(unnest(tenders).amount AS DECIMAL(18,2)) AS amount
FROM parsed
UNION ALL
SELECT d.transaction_id, d.tender_no, d.method, d.amount
FROM existing_silver_tenders d
SEMI JOIN reused u ON u.transaction_id = d.transaction_id;

-- Master data checks: an unknown store or SKU holds the whole receipt back.
CREATE OR REPLACE TEMP TABLE unknown_skus AS
SELECT l.transaction_id, string_agg(DISTINCT l.sku, ',' ORDER BY l.sku) AS unknown_skus
FROM receipt_lines l
ANTI JOIN products p ON p.sku = l.sku
GROUP BY l.transaction_id;

CREATE OR REPLACE TEMP TABLE new_silver_quarantine AS
SELECT r.event_id, r.transaction_id, r.event_type, r.store_id, r.occurred_at,
       CASE WHEN r.store_known THEN 'unknown_sku' ELSE 'unknown_store' END AS reason_code,
       CASE WHEN r.store_known THEN u.unknown_skus END AS unknown_skus,
       r.ingest_time
FROM receipts r
LEFT JOIN unknown_skus u ON u.transaction_id = r.transaction_id
WHERE NOT r.store_known OR u.transaction_id IS NOT NULL;

-- Receipts that pass (the payload stays behind: lines and tenders are parsed).
CREATE OR REPLACE TEMP TABLE valid_receipts AS
SELECT r.* EXCLUDE (raw_payload) FROM receipts r
ANTI JOIN new_silver_quarantine q ON q.transaction_id = r.transaction_id;

-- Silver transactions outside the restated store-days that link to a receipt of this run across days:
-- the originals its refunds and voids name, and the voids naming one of its receipts. (Only these can
-- meet the joins below, so the rest of Silver is not grouped.)
CREATE OR REPLACE TEMP TABLE other_transactions AS
SELECT e.transaction_id, e.event_type, e.original_transaction_id, e.business_date
FROM silver_transactions_all e
ANTI JOIN scope k ON k.store_id = e.store_id AND k.business_date = e.business_date
WHERE e.transaction_id IN (SELECT original_transaction_id FROM valid_receipts WHERE original_transaction_id IS NOT NULL)
   OR (e.event_type = 'void' AND e.original_transaction_id IN (SELECT transaction_id FROM valid_receipts));

CREATE OR REPLACE TEMP TABLE void_links AS
SELECT original_transaction_id AS transaction_id, min(transaction_id) AS voided_by
FROM (
  SELECT transaction_id, original_transaction_id FROM valid_receipts WHERE event_type = 'void'
  UNION ALL
  SELECT transaction_id, original_transaction_id FROM other_transactions WHERE event_type = 'void'
)
WHERE original_transaction_id IS NOT NULL
GROUP BY original_transaction_id;

CREATE OR REPLACE TEMP TABLE originals AS
SELECT transaction_id, min(business_date) AS business_date
FROM (
  SELECT transaction_id, business_date FROM valid_receipts WHERE event_type <> 'void'
  UNION ALL
  SELECT transaction_id, business_date FROM other_transactions WHERE event_type <> 'void'
)
GROUP BY transaction_id;

CREATE OR REPLACE TEMP TABLE line_totals AS
SELECT transaction_id, sum(quantity) AS units, sum(discount) AS discount
FROM receipt_lines
GROUP BY transaction_id;

-- HMAC-SHA256(key, customer_id) = H((K ^ opad) || H((K ^ ipad) || m)), hex.
CREATE OR REPLACE TEMP TABLE new_silver_transactions AS
SELECT r.transaction_id, r.event_id, r.event_type, r.store_id, r.register_id, r.cashier_id,
       CASE WHEN r.customer_id IS NOT NULL
            THEN sha256(h.opad || unhex(sha256(h.ipad || encode(r.customer_id)))) END AS customer_key,
       r.occurred_at, r.business_hour, r.currency, r.line_count,
       CAST(coalesce(t.units, 0) AS DECIMAL(18,3)) AS units,
       CAST(r.subtotal + coalesce(t.discount, 0) AS DECIMAL(18,2)) AS gross_amount,
       CAST(coalesce(t.discount, 0) AS DECIMAL(18,2)) AS discount,
       r.subtotal, r.tax, r.total, r.loyalty_points, r.original_transaction_id,
       (r.event_type <> 'sale' AND o.transaction_id IS NOT NULL) AS original_found,
       CASE WHEN r.event_type <> 'sale' THEN o.business_date END AS original_business_date,
       (r.event_type <> 'void' AND v.transaction_id IS NOT NULL) AS is_voided,
       CASE WHEN r.event_type <> 'void' THEN v.voided_by END AS voided_by_transaction_id,
       r.ingest_time, r.business_date
FROM valid_receipts r
CROSS JOIN hmac_pads h
LEFT JOIN line_totals t ON t.transaction_id = r.transaction_id
LEFT JOIN originals o ON o.transaction_id = r.original_transaction_id
LEFT JOIN void_links v ON v.transaction_id = r.transaction_id;

CREATE OR REPLACE TEMP TABLE new_silver_sales_lines AS
SELECT l.transaction_id, l.line_no, t.event_type, t.store_id, l.sku,
       p.product_name, p.category, p.brand,
       l.quantity, l.unit_price, l.discount, l.line_total,
       t.is_voided, t.occurred_at, t.business_hour, t.business_date
FROM new_silver_transactions t
JOIN receipt_lines l ON l.transaction_id = t.transaction_id
LEFT JOIN products p ON p.sku = l.sku
WHERE t.event_type <> 'void';

CREATE OR REPLACE TEMP TABLE new_silver_tenders AS
SELECT d.transaction_id, d.tender_no, t.event_type, t.store_id, d.method, d.amount, t.currency,
       t.is_voided, t.occurred_at, t.business_date
FROM new_silver_transactions t
JOIN receipt_tenders d ON d.transaction_id = t.transaction_id
WHERE t.event_type <> 'void';
