// The portal screens' UI strings, in English and Simplified Chinese (merged into i18n/resources.ts
// under the `portal` namespace key).

export const en = {
  title: 'portal',
};

export const zhCN: typeof en = {
  title: 'portal',
};
