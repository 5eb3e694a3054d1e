// A rendered form shaped like the server's (docs/forms.md) for the tests.

import type { RenderedForm } from '../src/forms/types';

export function dealForm(): RenderedForm {
  return {
    key: 'deal_quick',
    entity: 'deal',
    title: 'Deal',
    public: false,
    schema: {
      type: 'object',
      title: 'Deal',
      required: ['name'],
      properties: {
        name: { type: 'string', maxLength: 20, title: 'Name' },
        stage: { type: 'string', enum: ['new', 'won', 'lost'], title: 'Stage' },
        lost_reason: { type: 'string', maxLength: 200, title: 'Lost reason' },
        source: { type: 'string', maxLength: 50, title: 'Source' },
        owner: { type: 'integer', title: 'Owner' },
        start_date: { type: 'string', format: 'date', title: 'Start' },
        end_date: { type: 'string', format: 'date', title: 'End' },
        amount: { type: 'number', minimum: 0, title: 'Amount' },
        notes: { type: 'string', title: 'Notes' },
        lines: {
          type: 'array',
          title: 'Lines',
          items: {
            type: 'object',
            required: ['product', 'qty'],
            properties: {
              id: { type: 'integer' },
              product: { type: 'string', maxLength: 50, title: 'Product' },
              qty: { type: 'integer', minimum: 1, title: 'Qty' },
            },
          },
        },
      },
    },
    uiSchema: {
      name: { 'ui:options': { field_type: 'text' } },
      stage: {
        'ui:options': {
          field_type: 'select',
          choices: [
            { value: 'new', label: 'New' },
            { value: 'won', label: 'Won', color: 'green' },
            { value: 'lost', label: 'Lost', color: 'red' },
          ],
        },
      },
      lost_reason: { 'ui:options': { field_type: 'text' } },
      source: { 'ui:options': { field_type: 'text' } },
      owner: { 'ui:options': { field_type: 'user' } },
      start_date: { 'ui:options': { field_type: 'date' } },
      end_date: { 'ui:options': { field_type: 'date' } },
      amount: { 'ui:options': { field_type: 'currency', currency: 'CNY', scale: 2 } },
      notes: { 'ui:options': { field_type: 'long_text' } },
      lines: {
        'ui:options': { field_type: 'sub_table' },
        items: { product: { 'ui:options': { field_type: 'text' } }, qty: { 'ui:options': { field_type: 'integer' } } },
      },
      'ui:order': ['name', 'stage', 'lost_reason', 'source', 'owner', 'start_date', 'end_date', 'amount', 'notes', 'lines', '*'],
    },
    rules: [{ field: 'lost_reason', visible: { '==': [{ var: 'stage' }, 'lost'] }, required: true }],
    validations: [
      {
        field: 'end_date',
        rule: { or: [{ '!': [{ var: 'end_date' }] }, { '>': [{ var: 'end_date' }, { var: 'start_date' }] }] },
        message: 'must be after the start',
      },
    ],
    defaults: { static: { source: 'web' }, logic: { owner: { var: '$user.id' } } },
    layout: {
      tabs: [
        {
          key: 'main',
          title: 'Main',
          sections: [
            { title: 'Deal', columns: 2, fields: ['name', 'stage', 'lost_reason'] },
            { title: 'Dates', columns: 2, fields: ['start_date', 'end_date'] },
          ],
        },
        { key: 'lines', title: 'Lines', sections: [{ fields: ['lines'] }] },
      ],
    },
    context: { $user: { id: 7, email: 'ann@example.com', name: 'Ann', roles: ['member'], link: {} } },
  };
}
