/** CLIP's start and end markers. Both are whole vocabulary entries and BPE never splits them. */
export const startOfTextToken = '<|startoftext|>';
export const endOfTextToken = '<|endoftext|>';

/** Suffix that marks the last token of a pre-tokenised word in CLIP's vocabulary. */
export const endOfWordSuffix = '</w>';
