import type { DatasetLayout } from './file-names';

/** Meaning of each coded value of one attribute, keyed by the code as a decimal string (JSON object keys). */
export type ValueMeanings = Record<string, string>;

/**
 * Codes of the identity-level attribute files of Lin et al., "Improving Person
 * Re-identification by Attribute and Identity Learning" (Market-1501_Attribute
 * and DukeMTMC-attribute). Every attribute not listed here, colour attributes
 * such as upred or downblue included, codes 1 = no and 2 = yes.
 */
const yesNo: ValueMeanings = { '1': 'no', '2': 'yes' };

const sharedMeanings: Record<string, ValueMeanings> = {
  gender: { '1': 'male', '2': 'female' },
};

const layoutMeanings: Record<DatasetLayout, Record<string, ValueMeanings>> = {
  market1501: {
    age: { '1': 'young', '2': 'teenager', '3': 'adult', '4': 'old' },
    up: { '1': 'long sleeves', '2': 'short sleeves' },
    down: { '1': 'long lower-body clothing', '2': 'short lower-body clothing' },
    clothes: { '1': 'dress', '2': 'pants' },
    hair: { '1': 'short hair', '2': 'long hair' },
  },
  dukemtmc: {
    top: { '1': 'short upper-body clothing', '2': 'long upper-body clothing' },
    shoes: { '1': 'dark shoes', '2': 'light shoes' },
  },
};

/**
 * Code that marks a missing label. The published DukeMTMC-attribute file uses
 * it for `top` of two train identities (0370 and 0679); it has no meaning, so
 * such values are not stored.
 */
export const unlabelledCode = 0;

export function valueMeaningsFor(layout: DatasetLayout, attributeName: string): ValueMeanings {
  return layoutMeanings[layout][attributeName] ?? sharedMeanings[attributeName] ?? yesNo;
}

/** Returns "1 (no), 2 (yes)": the allowed codes, for error messages. */
export function describeMeanings(meanings: ValueMeanings): string {
  return Object.entries(meanings)
    .map(([code, meaning]) => `${code} (${meaning})`)
    .join(', ');
}
