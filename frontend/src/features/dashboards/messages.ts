// The dashboards screens' UI strings, in English and Simplified Chinese (merged into i18n/resources.ts
// under the `dashboards` namespace key).

export const en = {
  title: 'dashboards',
};

export const zhCN: typeof en = {
  title: 'dashboards',
};
