// The boards screens' UI strings, in English and Simplified Chinese (merged into i18n/resources.ts
// under the `boards` namespace key).

export const en = {
  title: 'boards',
};

export const zhCN: typeof en = {
  title: 'boards',
};
