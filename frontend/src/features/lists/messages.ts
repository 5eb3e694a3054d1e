// The lists screens' UI strings, in English and Simplified Chinese (merged into i18n/resources.ts
// under the `lists` namespace key).

export const en = {
  title: 'lists',
};

export const zhCN: typeof en = {
  title: 'lists',
};
