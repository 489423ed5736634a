import { POWER_BI_LIMITS } from '../limits.js';

/**
 * The warning `ensureDataset()` gives when it creates a push dataset within 12 months of the end of push-dataset
 * creation (2027-10-31, [documented] reference §5.10), or after it; `undefined` earlier.
 */
export function creationRetirementWarning(now: number): string | undefined {
  const ends = POWER_BI_LIMITS.pushDatasetCreationEndsAt;
  if (now < ends - POWER_BI_LIMITS.pushDatasetCreationWarningMs) return undefined;
  const days = Math.ceil((ends - now) / 86_400_000);
  return now >= ends
    ? 'Power BI no longer creates push datasets (ended after 2027-10-31); existing ones keep working'
    : `Power BI stops creating push datasets after 2027-10-31 (in ${days} days); existing ones keep working, but a dataset deleted after that date cannot be recreated — plan a move to Real-Time Intelligence in Microsoft Fabric`;
}
