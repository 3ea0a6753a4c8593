import { describe, expect, it } from 'vitest';
import { unescapeHtml } from '../../../main/ml/tokenizer/html-entities';

describe('unescapeHtml', () => {
  it.each([
    ['fish &amp; chips', 'fish & chips'],
    ['&lt;b&gt;', '<b>'],
    ['&quot;red&quot; &apos;coat&apos;', `"red" 'coat'`],
    ['caf&eacute; &Eacute;', 'café É'],
    ['&Omega;&omega;&sigmaf;', 'Ωως'],
    ['&rsquo;&hellip;&euro;&notin;&lang;', '\u2019\u2026\u20ac\u2209\u27e8'],
  ])('decodes the named reference in %j', (text, expected) => {
    expect(unescapeHtml(text)).toBe(expected);
  });

  it.each([
    ['&#39;', "'"],
    ['&#x41;&#X42;&#67', 'ABC'],
    ['&#150;&#x80;', '\u2013\u20ac'],
    ['&#0;&#xD800;&#1114112;', '\ufffd\ufffd\ufffd'],
    ['a&#1;&#x7f;&#xFFFF;b', 'ab'],
  ])('decodes the numeric reference in %j', (text, expected) => {
    expect(unescapeHtml(text)).toBe(expected);
  });

  it('decodes legacy names without semicolon', () => {
    expect(unescapeHtml('&amp')).toBe('&');
    expect(unescapeHtml('&copy2024')).toBe('©2024');
    expect(unescapeHtml('&notit;')).toBe('¬it;');
  });

  it('leaves unknown references and bare ampersands', () => {
    expect(unescapeHtml('salt & pepper')).toBe('salt & pepper');
    expect(unescapeHtml('&nosuchname;')).toBe('&nosuchname;');
    expect(unescapeHtml('&#;')).toBe('&#;');
  });

  it('keeps references without semicolon on request', () => {
    expect(unescapeHtml('&amp &amp; &#65 &#66;', { semicolonRequired: true })).toBe('&amp & &#65 B');
  });

  it('decodes one level per call', () => {
    expect(unescapeHtml('&amp;lt;')).toBe('&lt;');
    expect(unescapeHtml(unescapeHtml('&amp;lt;'))).toBe('<');
  });
});
