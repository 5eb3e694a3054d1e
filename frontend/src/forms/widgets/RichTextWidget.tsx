// rich_text: HTML edited as source in a textarea, with a preview; whatever is displayed
// as HTML goes through DOMPurify first (stored content is never trusted).

import { Input, Typography } from 'antd';
import DOMPurify from 'dompurify';
import { useTranslation } from 'react-i18next';
import { textOrUndefined, type LoomWidgetProps } from './types';

export function SanitizedHtml({ html, label }: { html: string; label?: string }) {
  return (
    <div
      className="loom-rich-text"
      aria-label={label}
      // Sanitized right here: DOMPurify strips scripts, handlers and javascript: URLs.
      dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(html) }}
    />
  );
}

export function RichTextWidget(props: LoomWidgetProps) {
  const { t } = useTranslation();
  const html = typeof props.value === 'string' ? props.value : '';
  if (props.readonly || props.disabled) return <SanitizedHtml html={html} label={props.label} />;
  return (
    <div>
      <Input.TextArea
        id={props.id}
        aria-label={props.label}
        aria-required={props.required}
        aria-invalid={props.hasError}
        aria-describedby={`${props.id}__hint`}
        value={html}
        placeholder={props.placeholder}
        autoSize={{ minRows: 4, maxRows: 16 }}
        onChange={(event) => props.onChange(textOrUndefined(event.target.value))}
        onBlur={props.onBlur}
      />
      <Typography.Text type="secondary" id={`${props.id}__hint`}>
        {t('widgets.richTextHint')}
      </Typography.Text>
      {html && (
        <div aria-label={t('widgets.preview')} style={{ border: '1px dashed #d9d9d9', padding: 8, marginTop: 4 }}>
          <SanitizedHtml html={html} />
        </div>
      )}
    </div>
  );
}
