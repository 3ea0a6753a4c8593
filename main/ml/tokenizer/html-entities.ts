/**
 * HTML character reference decoding in the manner of Python's `html.unescape`,
 * which CLIP applies to every text. Numeric references follow the HTML5 rules in
 * full. Named references cover the 252 entities of HTML 4 plus `&apos;`, with
 * HTML5's values (`&lang;` is U+27E8).
 */

// NOTE: HTML5 defines about 2,200 entity names. Names outside this table, such as
// `&check;` or `&bnot;`, stay as written, where Python would decode them.

/** Entity names of U+00A0..U+00FF, in code point order. */
const latin1Names = (
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr ' +
  'deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest ' +
  'Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ' +
  'ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig ' +
  'agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml ' +
  'eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml'
).split(' ');

/** Greek capitals from U+0391 and small letters from U+03B1; U+03A2 is unassigned. */
const greekNames = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigmaf sigma tau upsilon phi chi psi omega'.split(' ');

const otherEntities: Record<string, number> = {
  quot: 0x22, amp: 0x26, apos: 0x27, lt: 0x3c, gt: 0x3e, QUOT: 0x22, AMP: 0x26, LT: 0x3c, GT: 0x3e, COPY: 0xa9, REG: 0xae,
  OElig: 0x152, oelig: 0x153, Scaron: 0x160, scaron: 0x161, Yuml: 0x178, fnof: 0x192, circ: 0x2c6, tilde: 0x2dc,
  thetasym: 0x3d1, upsih: 0x3d2, piv: 0x3d6,
  ensp: 0x2002, emsp: 0x2003, thinsp: 0x2009, zwnj: 0x200c, zwj: 0x200d, lrm: 0x200e, rlm: 0x200f,
  ndash: 0x2013, mdash: 0x2014, lsquo: 0x2018, rsquo: 0x2019, sbquo: 0x201a, ldquo: 0x201c, rdquo: 0x201d, bdquo: 0x201e,
  dagger: 0x2020, Dagger: 0x2021, bull: 0x2022, hellip: 0x2026, permil: 0x2030, prime: 0x2032, Prime: 0x2033,
  lsaquo: 0x2039, rsaquo: 0x203a, oline: 0x203e, frasl: 0x2044, euro: 0x20ac,
  image: 0x2111, weierp: 0x2118, real: 0x211c, trade: 0x2122, alefsym: 0x2135,
  larr: 0x2190, uarr: 0x2191, rarr: 0x2192, darr: 0x2193, harr: 0x2194, crarr: 0x21b5,
  lArr: 0x21d0, uArr: 0x21d1, rArr: 0x21d2, dArr: 0x21d3, hArr: 0x21d4,
  forall: 0x2200, part: 0x2202, exist: 0x2203, empty: 0x2205, nabla: 0x2207, isin: 0x2208, notin: 0x2209, ni: 0x220b,
  prod: 0x220f, sum: 0x2211, minus: 0x2212, lowast: 0x2217, radic: 0x221a, prop: 0x221d, infin: 0x221e, ang: 0x2220,
  and: 0x2227, or: 0x2228, cap: 0x2229, cup: 0x222a, int: 0x222b, there4: 0x2234, sim: 0x223c, cong: 0x2245,
  asymp: 0x2248, ne: 0x2260, equiv: 0x2261, le: 0x2264, ge: 0x2265, sub: 0x2282, sup: 0x2283, nsub: 0x2284,
  sube: 0x2286, supe: 0x2287, oplus: 0x2295, otimes: 0x2297, perp: 0x22a5, sdot: 0x22c5,
  lceil: 0x2308, rceil: 0x2309, lfloor: 0x230a, rfloor: 0x230b, lang: 0x27e8, rang: 0x27e9,
  loz: 0x25ca, spades: 0x2660, clubs: 0x2663, hearts: 0x2665, diams: 0x2666,
};

function buildEntityTable(): { withSemicolon: Map<string, string>; legacy: Map<string, string> } {
  const withSemicolon = new Map<string, string>();
  const legacy = new Map<string, string>();
  latin1Names.forEach((name, index) => legacy.set(name, String.fromCodePoint(0xa0 + index)));
  for (const name of ['quot', 'amp', 'lt', 'gt', 'QUOT', 'AMP', 'LT', 'GT', 'COPY', 'REG']) legacy.set(name, String.fromCodePoint(otherEntities[name]));

  greekNames.forEach((name, index) => {
    if (name !== 'sigmaf') withSemicolon.set(name[0].toUpperCase() + name.slice(1), String.fromCodePoint(0x391 + index));
    withSemicolon.set(name, String.fromCodePoint(0x3b1 + index));
  });
  for (const [name, codePoint] of Object.entries(otherEntities)) withSemicolon.set(name, String.fromCodePoint(codePoint));
  for (const [name, text] of legacy) withSemicolon.set(name, text);
  return { withSemicolon, legacy };
}

/**
 * Named references. HTML decodes the `legacy` ones even without a semicolon,
 * so `&copy2024` reads as `©2024`.
 */
const entities = buildEntityTable();

/**
 * Windows-1252 characters of bytes 0x80..0x9F. The five bytes that Windows-1252
 * leaves undefined keep their C1 code point.
 */
// Node 20's TextDecoder('windows-1252') returns an empty string for these bytes, hence the table.
export const windows1252C1 = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
].map((codePoint) => String.fromCodePoint(codePoint));

/** Decodes a numeric reference as HTML5 does, including its repairs for invalid code points. */
function decodeCodePoint(codePoint: number): string {
  if (codePoint === 0) return '\ufffd';
  // Web pages often mean Windows-1252 when they write &#128; to &#159;.
  if (codePoint >= 0x80 && codePoint <= 0x9f) return windows1252C1[codePoint - 0x80];
  if ((codePoint >= 0xd800 && codePoint <= 0xdfff) || codePoint > 0x10ffff) return '\ufffd';
  if (isDroppedCodePoint(codePoint)) return '';
  return String.fromCodePoint(codePoint);
}

/** Control characters and noncharacters, which Python's decoder removes. */
function isDroppedCodePoint(codePoint: number): boolean {
  if ((codePoint >= 0x1 && codePoint <= 0x8) || codePoint === 0xb || (codePoint >= 0xe && codePoint <= 0x1f) || codePoint === 0x7f) return true;
  if (codePoint >= 0xfdd0 && codePoint <= 0xfdef) return true;
  return (codePoint & 0xfffe) === 0xfffe;
}

function decodeNamedReference(reference: string): string {
  const exact = reference.endsWith(';') ? entities.withSemicolon.get(reference.slice(0, -1)) : entities.legacy.get(reference);
  if (exact !== undefined) return exact;

  // The longest legacy name that starts the reference wins, and the rest stays text.
  for (let length = reference.length - 1; length >= 2; length--) {
    const text = entities.legacy.get(reference.slice(0, length));
    if (text !== undefined) return text + reference.slice(length);
  }
  return `&${reference}`;
}

const referencePattern = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/g;

/**
 * Replaces HTML character references in `text` with the characters they stand for.
 * With `semicolonRequired`, references without a closing semicolon stay as written,
 * as in ftfy's own HTML step.
 */
export function unescapeHtml(text: string, options: { semicolonRequired?: boolean } = {}): string {
  if (!text.includes('&')) return text;
  return text.replace(referencePattern, (match, reference: string) => {
    if (options.semicolonRequired && !reference.endsWith(';')) return match;
    if (reference[0] !== '#') return decodeNamedReference(reference);

    const isHex = reference[1] === 'x' || reference[1] === 'X';
    const digits = reference.slice(isHex ? 2 : 1).replace(/;$/, '');
    return decodeCodePoint(Number.parseInt(digits, isHex ? 16 : 10));
  });
}
