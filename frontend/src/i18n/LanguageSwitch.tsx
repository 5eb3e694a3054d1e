// The language control shown on every page (labelled for screen readers).

import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { changeLanguage, isLanguage } from './index';

const OPTIONS = [
  { value: 'en', label: 'English' },
  { value: 'zh-CN', label: '简体中文' },
];

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <Select
      aria-label={t('app.language')}
      data-testid="language-switch"
      value={i18n.language}
      options={OPTIONS}
      style={{ width: 130 }}
      onChange={(value: string) => {
        if (isLanguage(value)) void changeLanguage(value);
      }}
    />
  );
}
