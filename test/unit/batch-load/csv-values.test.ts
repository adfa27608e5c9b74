import { describe, expect, it } from 'vitest';
import { epochDay, parseCell } from '../../../shared/batch-load/csv-values.js';

const value = (type: Parameters<typeof parseCell>[1], text: string) => {
  const r = parseCell('c', type, text);
  return r.ok ? r.value : r.rejection.code;
};

describe('parseCell', () => {
  it('reads decimals exactly as unscaled bigints', () => {
    expect(value('decimal(18,2)', '19.99')).toBe(1999n);
    expect(value('decimal(18,2)', '12.3')).toBe(1230n);
    expect(value('decimal(18,2)', '7')).toBe(700n);
    expect(value('decimal(18,2)', '-0.05')).toBe(-5n);
    expect(value('decimal(18,2)', '6.980')).toBe(698n);
    expect(value('decimal(9,4)', '0.0888')).toBe(888n);
    expect(value('decimal(18,2)', '9999999999999999.99')).toBe(999999999999999999n);
  });

  it('rejects decimals that would need rounding, other spellings, and overflow', () => {
    expect(value('decimal(18,2)', '6.985')).toBe('invalid_decimal');
    for (const text of ['1e3', '+1.00', '.5', '1.', '1,00', ' 1.00', 'NaN', '0x10'])
      expect(value('decimal(18,2)', text)).toBe('invalid_decimal');
    expect(value('decimal(18,2)', '10000000000000000.00')).toBe('out_of_range');
    expect(value('decimal(9,4)', '100000')).toBe('out_of_range');
  });

  it('reads integers with their Delta type range', () => {
    expect(value('integer', '-7')).toBe(-7);
    expect(value('integer', '2147483648')).toBe('out_of_range');
    expect(value('long', '9223372036854775807')).toBe(9223372036854775807n);
    expect(value('long', '9223372036854775808')).toBe('out_of_range');
    for (const text of ['1.0', '+1', '1e3', ' 1', '']) expect(value('long', text)).toBe('invalid_integer');
  });

  it('reads calendar dates as epoch days and rejects impossible ones', () => {
    expect(value('date', '1970-01-01')).toBe(0);
    expect(value('date', '2026-11-25')).toBe(Date.UTC(2026, 10, 25) / 86_400_000);
    expect(value('date', '1969-12-31')).toBe(-1);
    for (const text of ['2026-02-30', '2026-13-01', '26-11-25', '2026-11-25T00:00:00Z', '2026/11/25'])
      expect(value('date', text)).toBe('invalid_date');
    expect(epochDay('0001-01-01')).toBe(-719162);
  });

  it('reads booleans', () => {
    expect(value('boolean', 'true')).toBe(true);
    expect(value('boolean', 'FALSE')).toBe(false);
    expect(value('boolean', 'yes')).toBe('invalid_boolean');
  });
});
