/** Number and time formatting shared by the pages, in the reader's locale. */

const countFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const smallRateFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export function formatCount(value: number): string {
  return countFormat.format(value);
}

/** Formats a rate with one decimal below 100 per second, where the decimal still tells something. */
export function formatRate(perSecond: number): string {
  return perSecond < 100 ? smallRateFormat.format(perSecond) : countFormat.format(perSecond);
}

/** Formats a fraction 0..1 as a percentage with one decimal, e.g. 0.8234 -> "82.3 %". */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`;
}

/** Formats seconds as "0.4 s", "45 s", "3 min 05 s" or "1 h 02 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 9.95) return `${Math.max(0, seconds).toFixed(1)} s`;

  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;

  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes} min ${String(total % 60).padStart(2, '0')} s`;

  const hours = Math.floor(minutes / 60);
  return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}

/** Formats a person id as dataset file names write it: four digits, 0000 for distractors. */
export function formatPersonId(personId: number): string {
  return personId < 0 ? String(personId) : String(personId).padStart(4, '0');
}
