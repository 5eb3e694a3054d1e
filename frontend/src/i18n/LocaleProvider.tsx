// Keeps antd's locale, dayjs's locale and <html lang> in step with the i18next language.

import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCNLocale from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export function LocaleProvider({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const chinese = i18n.language === 'zh-CN';
  dayjs.locale(chinese ? 'zh-cn' : 'en');
  useEffect(() => {
    document.documentElement.lang = chinese ? 'zh-CN' : 'en';
  }, [chinese]);
  return (
    <ConfigProvider locale={chinese ? zhCNLocale : enUS}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}
