// The root object of a form rendered through its layout: antd Tabs of tabs (all panes
// mounted, so every field and its error exists in the page), sections as Cards with a
// responsive grid of `columns`, and the fields no section names at the end.

import type { ObjectFieldTemplateProps } from '@rjsf/utils';
import { Badge, Card, Col, Row, Tabs } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import type { LoomFormContext } from '../context';
import { tabWith, type NormalSection } from '../layout';
import { fieldTypeOf } from '../schema';

const FULL_WIDTH = new Set(['sub_table', 'rich_text', 'long_text', 'attachment']);

function Section({ section, content, context }: { section: NormalSection; content: Map<string, ReactNode>; context: LoomFormContext }) {
  const fields = section.fields.filter((f) => content.has(f));
  if (!fields.length) return null;
  const span = 24 / section.columns;
  const grid = (
    <Row gutter={16}>
      {fields.map((field) => {
        const full = FULL_WIDTH.has(fieldTypeOf(context.fieldUi(field)) ?? '');
        return (
          <Col key={field} xs={24} md={full ? 24 : span}>
            {content.get(field)}
          </Col>
        );
      })}
    </Row>
  );
  return section.title ? (
    <Card title={section.title} size="small" style={{ marginBottom: 16 }}>
      {grid}
    </Card>
  ) : (
    <div style={{ marginBottom: 16 }}>{grid}</div>
  );
}

function errorFields(context: LoomFormContext): string[] {
  return Object.keys(context.errors).map((path) => path.split('.')[0]);
}

export function LayoutObjectTemplate(props: ObjectFieldTemplateProps) {
  const context = props.registry.formContext as LoomFormContext;
  const layout = context.layout;
  const [activeTab, setActiveTab] = useState<string | undefined>(layout.tabs[0]?.key);
  const { submitAttempt } = context;
  useEffect(() => {
    if (submitAttempt === 0) return;
    const target = tabWith(layout, errorFields(context));
    if (target) setActiveTab(target);
    // Only a new blocked submit moves the user to the first error.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [submitAttempt]);

  const content = new Map<string, ReactNode>(props.properties.filter((p) => !p.hidden).map((p) => [p.name, p.content]));
  if (props.fieldPathId.path.length > 0) return <div>{[...content.values()]}</div>;

  const failing = new Set(errorFields(context));
  const rest: NormalSection = { key: 'rest', title: null, columns: 1, fields: layout.rest };
  if (layout.tabs.length || layout.sections.length) rest.title = layout.rest.length ? context.otherFieldsTitle : null;
  const hidden = props.properties.filter((p) => p.hidden).map((p) => <div key={p.name}>{p.content}</div>);
  return (
    <div className="loom-form-layout">
      {layout.tabs.length > 0 && (
        <Tabs
          activeKey={activeTab}
          onChange={setActiveTab}
          items={layout.tabs.map((tab) => ({
            key: tab.key,
            forceRender: true,
            label: (
              <Badge dot={tab.sections.some((s) => s.fields.some((f) => failing.has(f)))} offset={[6, 0]}>
                {tab.title}
              </Badge>
            ),
            children: tab.sections.map((s) => <Section key={s.key} section={s} content={content} context={context} />),
          }))}
        />
      )}
      {layout.sections.map((s) => (
        <Section key={s.key} section={s} content={content} context={context} />
      ))}
      <Section section={rest} content={content} context={context} />
      {hidden}
    </div>
  );
}
