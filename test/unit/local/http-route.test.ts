import { describe, expect, it } from 'vitest';
import { compileRoute } from '../../../shared/local/http-route.js';

describe('route templates', () => {
  it('matches literals case-insensitively and captures parameters', () => {
    expect(compileRoute('orders/{id}').match('Orders/42')).toEqual({ id: '42' });
    expect(compileRoute('orders/{id}').match('orders')).toBeUndefined();
    expect(compileRoute('orders/{id}').match('orders/1/2')).toBeUndefined();
  });
  it('honours constraints, optional and catch-all parameters', () => {
    const r = compileRoute('items/{id:int}/{tab?}');
    expect(r.match('items/7')).toEqual({ id: '7' });
    expect(r.match('items/7/info')).toEqual({ id: '7', tab: 'info' });
    expect(r.match('items/x')).toBeUndefined();
    expect(compileRoute('files/{*path}').match('files/a/b/c.txt')).toEqual({ path: 'a/b/c.txt' });
  });
});
