/** Word lists for a plausible distributor (three companies, a handful of sites). */

/** Company → sites and currency. */
export const COMPANIES = [
  { code: 'FR10', sites: ['FR011', 'FR012'], currency: 'EUR', country: 'FR' },
  { code: 'DE10', sites: ['DE011'], currency: 'EUR', country: 'DE' },
  { code: 'US10', sites: ['US011', 'US012'], currency: 'USD', country: 'US' },
] as const;

export const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF'] as const;
export const COUNTRIES = ['FR', 'DE', 'US', 'GB', 'IT', 'ES', 'CH', 'BE'] as const;

export const COMPANY_STEMS = [
  'Acme',
  'Northwind',
  'Contoso',
  'Fabrikam',
  'Globex',
  'Initech',
  'Umbrella',
  'Stark',
  'Wayne',
  'Tyrell',
  'Cyberdyne',
  'Soylent',
  'Vandelay',
  'Hooli',
  'Wonka',
  'Dunder',
] as const;
export const COMPANY_KINDS = [
  'Industries',
  'Supplies',
  'Trading',
  'Logistics',
  'Components',
  'Distribution',
] as const;
export const COMPANY_SUFFIXES = ['SA', 'SARL', 'GmbH', 'Ltd', 'Inc', 'BV', 'SpA'] as const;

export const PRODUCT_ADJECTIVES = [
  'Steel',
  'Brass',
  'Plastic',
  'Heavy-duty',
  'Compact',
  'Galvanised',
  'Nylon',
] as const;
export const PRODUCT_NOUNS = [
  'bolt',
  'washer',
  'bracket',
  'hinge',
  'pipe fitting',
  'valve',
  'cable tie',
  'pallet',
  'drill bit',
  'anchor',
] as const;
export const PRODUCT_CATEGORIES = ['HARD', 'FIXT', 'PLMB', 'TOOL', 'PACK'] as const;
export const UNITS = ['UN', 'KG', 'M', 'BOX'] as const;

export const ACCOUNT_LABELS = [
  'Share capital',
  'Suppliers',
  'Customers',
  'VAT deductible',
  'VAT collected',
  'Bank',
  'Cash',
  'Purchases of goods',
  'Freight',
  'Bank fees',
  'Sales of goods',
  'Services rendered',
] as const;

/** Journal types: entry type, journal and business-partner role of the lines. */
export const JOURNAL_TYPES = [
  { type: 'ODT', journal: 'OD', partner: 'none' },
  { type: 'ACH', journal: 'ACH', partner: 'supplier' },
  { type: 'VEN', journal: 'VEN', partner: 'customer' },
  { type: 'BQ1', journal: 'BQ1', partner: 'none' },
] as const;

/**
 * Text that contains backslashes not followed by a valid JSON escape letter. Real X3 REST output has been seen
 * with such backslashes unescaped ([documented] reference §3 gotcha 13); records carry them honestly so a
 * client that repairs the JSON gets the same value GraphQL returns.
 */
export const BACKSLASH_TEXTS = ['C:\\EXPORT\\GL', 'ACME\\EU', 'Bolt 5\\8 in', 'Depot\\Lyon'] as const;

/** Formats epoch seconds as a `YYYY-MM-DD` date. */
export function dateOf(sec: number): string {
  return new Date(sec * 1000).toISOString().slice(0, 10);
}
