// The records screens' UI strings, in English and Simplified Chinese (merged into i18n/resources.ts
// under the `records` namespace key).

export const en = {
  title: 'records',
};

export const zhCN: typeof en = {
  title: 'records',
};
