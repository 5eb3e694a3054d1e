// Bilingual text from definitions (`{"en": ..., "zh-CN": ...}`, or already a string) in the
// UI language, falling back to English, then to any language there is.

export type LocalizedText = string | Record<string, string>;

export function localized(text: LocalizedText | null | undefined, language: string): string | null {
  if (typeof text === 'string') return text || null;
  if (!text) return null;
  return text[language] ?? text.en ?? Object.values(text)[0] ?? null;
}
