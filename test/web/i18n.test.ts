import { describe, expect, it } from 'vitest';
import { bilingualPart } from '../../web/i18n/index.tsx';

// The server's refusals come in both languages; the web shows the half in the UI's language.

describe('the half of a bilingual message the UI shows', () => {
  const msg = 'bei_jing_geo.json:文件有 18 个要素,请从下方列表选择一个。The file holds 18 features: pick one from the list below.';
  it('keeps the file name and shows only the Chinese in Chinese', () => {
    expect(bilingualPart(msg, 'zh-CN')).toBe('bei_jing_geo.json:文件有 18 个要素,请从下方列表选择一个。');
  });
  it('shows only the English in English, after the file name', () => {
    expect(bilingualPart(msg, 'en')).toBe('bei_jing_geo.json: The file holds 18 features: pick one from the list below.');
  });
  it('leaves a message in one language as it is', () => {
    expect(bilingualPart('HTTP 502', 'zh-CN')).toBe('HTTP 502');
    expect(bilingualPart('没有这个乡镇。', 'en')).toBe('没有这个乡镇。');
    expect(bilingualPart('Sign in first.', 'zh-CN')).toBe('Sign in first.');
  });
});
