import type { Rng } from './hash.js';

/**
 * French text for the seeded data of a French distributor, with the characters real X3 data carries: accented
 * letters (é è à ç ô œ), the typographic apostrophe ’ (U+2019), the en dash – (U+2013), guillemets « » with their
 * no-break spaces (U+00A0), the euro sign € (U+20AC) after an amount grouped with narrow no-break spaces (U+202F,
 * French number formatting), and, rarely, a character outside the Basic Multilingual Plane (𠮷, U+20BB7, two UTF-16
 * code units).
 *
 * Which records carry it: one record in three ({@link ACCENTED_SHARE}), decided by a draw from the record's own
 * seeded PRNG taken after every other draw of the record, so the other values a seed gives are unchanged and runs
 * stay reproducible. Such a record has French text in each of its free-text fields (names, labels, descriptions);
 * every other record keeps its ASCII text. Every French value holds at least one non-ASCII character, so about a
 * third of the text values are non-ASCII.
 *
 * Keys, codes and references stay ASCII (`PCG~100001`, `SU000042`, `EUR`, `FR011`): X3 codes are upper-case
 * letters and digits in every example of the reference (`BPCUSTOMER('MARTIN')`, `AE003`, `FR053`, §1.1, §2.6), but no
 * source states the character set of codes — ASCII-only codes are [inferred]. That X3 returns text as UTF-8 JSON is
 * [inferred] too (JSON's own encoding, RFC 8259; the reference says nothing about encodings), as is the presence of
 * these characters in X3 data (an X3 database is Unicode; French labels are the norm for a French folder).
 */

/** Share of seeded records whose free text is French with non-ASCII characters. */
export const ACCENTED_SHARE = 1 / 3;

/** Share of French records whose name or description holds a character outside the BMP. */
export const ASTRAL_SHARE = 0.01;

/** Draws whether this record's text is French (call after every other draw of the record). */
export function drawAccented(rng: Rng): boolean {
  return rng.chance(ACCENTED_SHARE);
}

/** French GL account labels, one for each of `ACCOUNT_LABELS` (same index, same meaning). */
export const FRENCH_ACCOUNT_LABELS = [
  'Capital social – souscrit, appelé, versé',
  'Fournisseurs – achats de biens et prestations',
  'Clients – ventes à l’export',
  'TVA déductible sur achats',
  'TVA collectée',
  'Banque – compte courant en €',
  'Caisse – espèces',
  'Achats de marchandises (négoce)',
  'Frais de transport – ports payés',
  'Frais bancaires – agios et commissions',
  'Ventes de marchandises – France métropolitaine',
  'Prestations de services rendues',
] as const;

/** French company names (each with non-ASCII characters); the short name is the upper-cased first word(s). */
export const FRENCH_COMPANY_NAMES = [
  'Société Générale d’Équipement',
  'Établissements Bérard & Fils',
  'Comptoir Lyonnais des Métaux',
  'Quincaillerie de la Côte d’Opale',
  'Forges et Tréfileries du Rhône',
  'Cœur de France Distribution',
  'Entrepôts Frigorifiques de Rungis – Sécurité',
  'Visserie Française « Le Boulon d’Or »',
  'Matériaux Provençaux Sàrl',
  'Müller & Söhne Befestigungstechnik GmbH',
  'Hôtellerie & Équipements du Sud-Ouest',
  'Société d’Emballages Français',
] as const;

/** A French company name outside the BMP: 𠮷 (U+20BB7) is the form of 吉 used in a well-known Japanese name. */
export const ASTRAL_COMPANY_NAME = '𠮷田工業 – Yoshida Kōgyō (Japon)';

/** French product nouns (masculine and feminine, with their articles' agreement in the adjectives below). */
export const FRENCH_PRODUCT_NOUNS = [
  'Boulon',
  'Rondelle',
  'Équerre',
  'Charnière',
  'Raccord',
  'Vanne',
  'Collier',
  'Palette',
  'Foret',
  'Cheville',
] as const;

/** French product qualifiers, each with a non-ASCII character. */
export const FRENCH_PRODUCT_QUALIFIERS = [
  'en acier zingué',
  'en laiton nickelé',
  'à tête fraisée',
  'renforcé(e)',
  'galvanisé(e) à chaud',
  'pour télécommande',
  'qualité « pro »',
] as const;

/** French journal-entry texts by journal code. */
export const FRENCH_JOURNAL_TEXTS: Readonly<Record<string, string>> = {
  OD: 'Opération diverse – régularisation',
  ACH: 'Facture fournisseur – achat de matériel',
  VEN: 'Facture client – vente à l’export',
  BQ1: 'Relevé bancaire – prélèvement',
};

/**
 * Formats integer cents the French way, `1 234,56 €` (narrow no-break spaces U+202F between thousands, a decimal
 * comma, a no-break space U+00A0 before the currency): the euro sign for `EUR`, the ISO code for other currencies.
 */
export function frenchAmount(cents: number, currency = 'EUR'): string {
  const negative = cents < 0;
  const abs = Math.abs(Math.round(cents));
  const units = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  const symbol = currency === 'EUR' ? '€' : currency;
  return `${negative ? '-' : ''}${units},${String(abs % 100).padStart(2, '0')}\u00a0${symbol}`;
}

/**
 * The first `max` characters of `text` counted in code points, so a character outside the BMP is never cut in half
 * (a lone surrogate is not valid text, and JSON encoders write it as an escape).
 */
export function codePointSlice(text: string, max: number): string {
  return Array.from(text).slice(0, max).join('');
}

/** A French company name: one of {@link FRENCH_COMPANY_NAMES}, or rarely ({@link ASTRAL_SHARE}) the one outside the BMP. */
export function drawFrenchCompanyName(rng: Rng): string {
  return rng.chance(ASTRAL_SHARE) ? ASTRAL_COMPANY_NAME : rng.pick(FRENCH_COMPANY_NAMES);
}

/** The short name X3 keeps beside a company name: its first ten characters (code points), upper-cased. */
export function shortNameOf(name: string): string {
  return codePointSlice(name, 10).trimEnd().toUpperCase();
}
