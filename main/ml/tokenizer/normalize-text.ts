import { unescapeHtml, windows1252C1 } from './html-entities';

/**
 * CLIP's text cleaning: ftfy's `fix_text`, then `html.unescape` twice, then
 * whitespace runs collapsed to one space, the ends stripped and the text
 * lower-cased. ftfy is a Python library, so `fixText` redoes the parts of it
 * that change ordinary captions, in ftfy's order.
 */
export function normalizeClipText(text: string): string {
  const fixed = fixText(text);
  const unescaped = unescapeHtml(unescapeHtml(fixed));
  return unescaped.replace(whitespaceRun, ' ').trim().toLowerCase();
}

/**
 * Unicode White_Space, which is what `\s` matches in the Python `regex` module
 * that CLIP uses. JavaScript's `\s` differs: it adds U+FEFF and lacks U+0085.
 */
const whitespaceRun = /\p{White_Space}+/gu;

// ANSI terminal escape sequences, such as colour codes.
const terminalEscape = /\x1b\[[0-9;]*[a-zA-Z]/g;
const c1Control = /[\x80-\x9f]/g;
// Latin ligatures that ftfy splits: IJ, ij, ŉ, the DŽ/LJ/NJ digraphs, DZ, and ff fi fl ffi ffl ſt st.
const latinLigature = /[\u0132\u0133\u0149\u01c4-\u01cc\u01f1-\u01f3\ufb00-\ufb06]/g;
// The ideographic space and the fullwidth and halfwidth forms block.
const widthVariant = /[\u3000\uff01-\uffef]/g;
const curlySingleQuote = /[\u02bc\u2018-\u201b]/g;
const curlyDoubleQuote = /[\u201c-\u201f]/g;
// C0 controls other than tab and line breaks, DEL, deprecated Arabic format controls,
// the byte order mark, interlinear annotation marks and U+FFFC.
const unwantedControl = /[\x00-\x08\x0b\x0e-\x1f\x7f\u206a-\u206f\ufeff\ufff9-\ufffc]/g;

/**
 * Applies the steps of ftfy 6's `fix_text` that do not guess encodings, in its
 * order: HTML references with semicolons decoded, C1 controls read as
 * Windows-1252, Latin ligatures split, character width fixed, curly quotes
 * straightened, terminal escapes and control characters removed, then NFC.
 * Like ftfy, it works line by line and stops decoding HTML from the first line
 * that contains '<', because that text may be markup.
 */
// NOTE: ftfy also repairs mojibake, such as "cafÃ©" for "café", by guessing how the
// text was mis-decoded. That step is not reproduced, so such text tokenizes as written.
export function fixText(text: string): string {
  let unescapeEntities = true;
  const lines = text.split(/(?<=\n)/);
  return lines
    .map((line) => {
      if (line.includes('<')) unescapeEntities = false;
      return fixLine(line, unescapeEntities);
    })
    .join('');
}

/** Repeats the fixes until the line stops changing, as ftfy does, so "&amp;amp;" ends as "&". */
function fixLine(line: string, unescapeEntities: boolean): string {
  let current = line;
  for (;;) {
    let fixed = unescapeEntities ? unescapeHtml(current, { semicolonRequired: true }) : current;
    fixed = fixed.replace(c1Control, (control) => windows1252C1[control.charCodeAt(0) - 0x80]);
    fixed = fixed.replace(latinLigature, (ligature) => ligature.normalize('NFKC'));
    fixed = fixed.replace(widthVariant, (character) => (character === '\u3000' ? ' ' : character.normalize('NFKC')));
    fixed = fixed.replace(curlySingleQuote, "'").replace(curlyDoubleQuote, '"');
    // ftfy's line-break step is left out: every character it rewrites is whitespace that CLIP collapses anyway.
    fixed = fixed.replace(terminalEscape, '').replace(unwantedControl, '');
    fixed = fixed.normalize('NFC');
    if (fixed === current) return fixed;
    current = fixed;
  }
}
