/**
 * Master data of the simulated chain: stores (time zone, currency, trading hours, size, tax rate)
 * and a SKU catalogue (category, brand, price) whose popularity follows Zipf. Deterministic per seed.
 */
import type { Rng } from './rng.js';

export interface Store {
  storeId: string;
  name: string;
  city: string;
  country: string;
  timeZone: string;
  currency: string;
  openHour: number;
  closeHour: number;
  registers: number;
  /** Relative traffic weight. */
  size: number;
  /** Sales tax in basis points. */
  taxBp: number;
  openedDate: string;
}

export interface Product {
  sku: string;
  name: string;
  category: string;
  brand: string;
  /** Shelf price in cents. */
  priceCents: number;
  /** Tax exempt (groceries in many US states). */
  taxExempt: boolean;
}

const CITIES: readonly {
  city: string;
  country: string;
  timeZone: string;
  currency: string;
  taxBp: number;
}[] = [
  { city: 'New York', country: 'US', timeZone: 'America/New_York', currency: 'USD', taxBp: 888 },
  { city: 'Boston', country: 'US', timeZone: 'America/New_York', currency: 'USD', taxBp: 625 },
  { city: 'Chicago', country: 'US', timeZone: 'America/Chicago', currency: 'USD', taxBp: 1025 },
  { city: 'Dallas', country: 'US', timeZone: 'America/Chicago', currency: 'USD', taxBp: 825 },
  { city: 'Denver', country: 'US', timeZone: 'America/Denver', currency: 'USD', taxBp: 881 },
  { city: 'Phoenix', country: 'US', timeZone: 'America/Phoenix', currency: 'USD', taxBp: 860 },
  { city: 'Seattle', country: 'US', timeZone: 'America/Los_Angeles', currency: 'USD', taxBp: 1035 },
  { city: 'San Diego', country: 'US', timeZone: 'America/Los_Angeles', currency: 'USD', taxBp: 775 },
  { city: 'Honolulu', country: 'US', timeZone: 'Pacific/Honolulu', currency: 'USD', taxBp: 450 },
  { city: 'Toronto', country: 'CA', timeZone: 'America/Toronto', currency: 'CAD', taxBp: 1300 },
  { city: 'London', country: 'GB', timeZone: 'Europe/London', currency: 'GBP', taxBp: 0 },
  { city: 'Dublin', country: 'IE', timeZone: 'Europe/Dublin', currency: 'EUR', taxBp: 0 },
  { city: 'Berlin', country: 'DE', timeZone: 'Europe/Berlin', currency: 'EUR', taxBp: 0 },
];

const CATEGORIES: readonly {
  name: string;
  lo: number;
  hi: number;
  exempt: boolean;
  nouns: readonly string[];
}[] = [
  {
    name: 'Produce',
    lo: 49,
    hi: 699,
    exempt: true,
    nouns: ['Apples', 'Bananas', 'Avocados', 'Tomatoes', 'Spinach', 'Grapes'],
  },
  {
    name: 'Dairy',
    lo: 99,
    hi: 899,
    exempt: true,
    nouns: ['Milk', 'Yogurt', 'Cheddar', 'Butter', 'Cream', 'Eggs'],
  },
  {
    name: 'Bakery',
    lo: 129,
    hi: 749,
    exempt: true,
    nouns: ['Sourdough', 'Bagels', 'Croissants', 'Muffins', 'Baguette'],
  },
  {
    name: 'Beverages',
    lo: 89,
    hi: 1999,
    exempt: false,
    nouns: ['Cola', 'Sparkling Water', 'Orange Juice', 'Coffee', 'Green Tea'],
  },
  {
    name: 'Snacks',
    lo: 99,
    hi: 599,
    exempt: false,
    nouns: ['Chips', 'Pretzels', 'Trail Mix', 'Cookies', 'Granola Bars'],
  },
  {
    name: 'Frozen',
    lo: 199,
    hi: 1299,
    exempt: true,
    nouns: ['Pizza', 'Ice Cream', 'Peas', 'Dumplings', 'Waffles'],
  },
  {
    name: 'Household',
    lo: 149,
    hi: 2999,
    exempt: false,
    nouns: ['Detergent', 'Paper Towels', 'Dish Soap', 'Trash Bags', 'Sponges'],
  },
  {
    name: 'Personal Care',
    lo: 199,
    hi: 2499,
    exempt: false,
    nouns: ['Shampoo', 'Toothpaste', 'Deodorant', 'Lotion', 'Razors'],
  },
  {
    name: 'Electronics',
    lo: 499,
    hi: 14999,
    exempt: false,
    nouns: ['Earbuds', 'USB Cable', 'Charger', 'Batteries', 'Speaker'],
  },
];

const BRANDS = [
  'Acme',
  'Northwind',
  'Contoso',
  'Fabrikam',
  'Tailspin',
  'Woodgrove',
  'Litware',
  'Proseware',
  'Adatum',
  'Lucerne',
];

export function makeStores(rng: Rng, count: number): Store[] {
  return Array.from({ length: count }, (_, i) => {
    const place = CITIES[i % CITIES.length] ?? CITIES[0];
    if (!place) throw new Error('no cities');
    const open = rng.pick([6, 7, 7, 8, 8, 9]);
    const close = rng.pick([20, 21, 21, 22, 22, 23]);
    const year = 2005 + rng.int(18);
    return {
      storeId: `S${String(i + 1).padStart(4, '0')}`,
      name: `${place.city} #${Math.floor(i / CITIES.length) + 1}`,
      city: place.city,
      country: place.country,
      timeZone: place.timeZone,
      currency: place.currency,
      openHour: open,
      closeHour: close,
      registers: rng.range(2, 8),
      size: 0.5 + rng.next() * 1.5,
      taxBp: place.taxBp,
      openedDate: `${year}-${String(rng.range(1, 12)).padStart(2, '0')}-${String(rng.range(1, 28)).padStart(2, '0')}`,
    };
  });
}

export function makeCatalogue(rng: Rng, count: number): Product[] {
  return Array.from({ length: count }, (_, i) => {
    const cat = rng.pick(CATEGORIES);
    const noun = rng.pick(cat.nouns);
    const brand = rng.pick(BRANDS);
    // Prices end in 9 like real shelves.
    const raw = cat.lo + rng.int(cat.hi - cat.lo);
    const priceCents = Math.max(9, raw - (raw % 10) + 9);
    return {
      sku: `SKU-${String(i + 1).padStart(6, '0')}`,
      name: `${brand} ${noun}`,
      category: cat.name,
      brand,
      priceCents,
      taxExempt: cat.exempt,
    };
  });
}
