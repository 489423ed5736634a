const THIRTY_DAY_MONTHS = new Set([4, 6, 9, 11]);

/** True when `year-month-day` is a real day of the proleptic Gregorian calendar (leap years included). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : THIRTY_DAY_MONTHS.has(month) ? 30 : 31;
  return day <= daysInMonth;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date, by arithmetic (no `Date.UTC`, which maps the years 0–99
 * to 1900–1999 and rolls impossible days over). The date must be valid ({@link isCalendarDate}).
 */
export function epochDayOf(year: number, month: number, day: number): number {
  // Howard Hinnant's days_from_civil: years start in March so the leap day is the last of the year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
