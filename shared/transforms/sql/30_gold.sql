-- Gold for the restated store-days, from their complete Silver rows. Voided receipts and void
-- receipts never count; refunds count on their own business day, negatively.

-- a / b rounded half away from zero, for integers a and b > 0 (null when b <= 0). Both engines
-- truncate integer division toward zero, so the absolute value keeps them equal.
CREATE OR REPLACE TEMP MACRO div_half_up(a, b) AS
  CASE WHEN b IS NULL OR b <= 0 THEN NULL
       ELSE (CASE WHEN a < 0 THEN -1 ELSE 1 END) * ((2 * abs(a) + b) // (2 * b)) END;
CREATE OR REPLACE TEMP MACRO cents(x) AS CAST(x * 100 AS BIGINT);

CREATE OR REPLACE TEMP TABLE counted AS
SELECT * FROM new_silver_transactions WHERE event_type IN ('sale', 'refund') AND NOT is_voided;

CREATE OR REPLACE TEMP TABLE hour_sums AS
SELECT business_date, store_id, business_hour, currency,
       count(*) FILTER (WHERE event_type = 'sale') AS transactions,
       count(*) FILTER (WHERE event_type = 'refund') AS refund_transactions,
       coalesce(sum(gross_amount) FILTER (WHERE event_type = 'sale'), 0) AS gross_sales,
       coalesce(sum(discount) FILTER (WHERE event_type = 'sale'), 0) AS discounts,
       coalesce(sum(subtotal) FILTER (WHERE event_type = 'refund'), 0) AS refunds,
       coalesce(sum(subtotal) FILTER (WHERE event_type = 'sale'), 0) AS sales_subtotal,
       coalesce(sum(tax) FILTER (WHERE event_type = 'sale'), 0)
         - coalesce(sum(tax) FILTER (WHERE event_type = 'refund'), 0) AS tax,
       coalesce(sum(units) FILTER (WHERE event_type = 'sale'), 0) AS units_sold,
       coalesce(sum(units) FILTER (WHERE event_type = 'refund'), 0) AS units_refunded
FROM counted
GROUP BY business_date, store_id, business_hour, currency;

CREATE OR REPLACE TEMP TABLE new_gold_sales_store_hour AS
SELECT store_id, business_hour, currency, transactions, refund_transactions,
       CAST(gross_sales AS DECIMAL(18,2)) AS gross_sales,
       CAST(discounts AS DECIMAL(18,2)) AS discounts,
       CAST(refunds AS DECIMAL(18,2)) AS refunds,
       CAST(sales_subtotal - refunds AS DECIMAL(18,2)) AS net_sales,
       CAST(tax AS DECIMAL(18,2)) AS tax,
       CAST(units_sold AS DECIMAL(18,3)) AS units_sold,
       CAST(units_refunded AS DECIMAL(18,3)) AS units_refunded,
       CAST(div_half_up(cents(sales_subtotal), transactions) * 0.01 AS DECIMAL(18,2)) AS aov,
       CAST(div_half_up(CAST(units_sold * 1000 AS BIGINT), 10 * transactions) * 0.01 AS DECIMAL(18,2)) AS basket_size,
       business_date
FROM hour_sums;

CREATE OR REPLACE TEMP TABLE day_sums AS
SELECT business_date, store_id, currency,
       count(*) FILTER (WHERE event_type = 'sale' AND NOT is_voided) AS transactions,
       coalesce(sum(units) FILTER (WHERE event_type = 'sale' AND NOT is_voided), 0) AS units_sold,
       coalesce(sum(subtotal) FILTER (WHERE event_type = 'sale' AND NOT is_voided), 0) AS sales_subtotal,
       coalesce(sum(line_count) FILTER (WHERE event_type = 'sale' AND NOT is_voided), 0) AS lines,
       count(*) FILTER (WHERE event_type = 'sale' AND NOT is_voided AND customer_key IS NOT NULL) AS loyalty_transactions,
       count(*) FILTER (WHERE event_type = 'sale' AND is_voided) AS voided_transactions,
       count(*) FILTER (WHERE event_type = 'refund' AND NOT is_voided) AS refund_transactions,
       coalesce(sum(subtotal) FILTER (WHERE event_type = 'refund' AND NOT is_voided), 0) AS refund_amount
FROM new_silver_transactions
WHERE event_type IN ('sale', 'refund')
GROUP BY business_date, store_id, currency;

CREATE OR REPLACE TEMP TABLE new_gold_basket_metrics_daily AS
SELECT store_id, currency, transactions,
       CAST(units_sold AS DECIMAL(18,3)) AS units_sold,
       CAST(sales_subtotal - refund_amount AS DECIMAL(18,2)) AS net_sales,
       CAST(div_half_up(cents(sales_subtotal), transactions) * 0.01 AS DECIMAL(18,2)) AS aov,
       CAST(div_half_up(CAST(units_sold * 1000 AS BIGINT), 10 * transactions) * 0.01 AS DECIMAL(18,2)) AS basket_size,
       CAST(div_half_up(CAST(lines AS BIGINT) * 100, transactions) * 0.01 AS DECIMAL(18,2)) AS lines_per_basket,
       loyalty_transactions, voided_transactions, refund_transactions,
       CAST(refund_amount AS DECIMAL(18,2)) AS refund_amount,
       CAST(div_half_up(cents(refund_amount) * 10000, cents(sales_subtotal)) * 0.0001 AS DECIMAL(9,4)) AS refund_rate,
       business_date
FROM day_sums;

CREATE OR REPLACE TEMP TABLE tender_sums AS
SELECT business_date, store_id, currency, method,
       count(*) FILTER (WHERE event_type = 'sale') AS tender_count,
       sum(CASE WHEN event_type = 'sale' THEN amount ELSE -amount END) AS amount
FROM new_silver_tenders
WHERE NOT is_voided
GROUP BY business_date, store_id, currency, method;

CREATE OR REPLACE TEMP TABLE new_gold_tender_mix_daily AS
SELECT store_id, currency, method, tender_count,
       CAST(amount AS DECIMAL(18,2)) AS amount,
       CAST(div_half_up(cents(amount) * 10000,
                        cents(sum(amount) OVER (PARTITION BY business_date, store_id, currency))) * 0.0001 AS DECIMAL(9,4)) AS share,
       business_date
FROM tender_sums;

-- Products: streamed lines, plus batch history for store-days that have no streamed receipts (the
-- stream is complete for a store-day it covers; history fills the days before streaming began).
CREATE OR REPLACE TEMP TABLE product_stream AS
SELECT business_date, store_id, sku,
       sum(CASE WHEN event_type = 'sale' THEN quantity ELSE -quantity END) AS units,
       sum(CASE WHEN event_type = 'sale' THEN line_total ELSE -line_total END) AS revenue,
       count(DISTINCT CASE WHEN event_type = 'sale' THEN transaction_id END) AS receipts
FROM new_silver_sales_lines
WHERE NOT is_voided
GROUP BY business_date, store_id, sku;

CREATE OR REPLACE TEMP TABLE streamed_store_days AS
SELECT DISTINCT store_id, business_date FROM new_silver_transactions;
