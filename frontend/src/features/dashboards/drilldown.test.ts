// The drill-down filter matches the server's buckets, and dashboard filters per entity.

import { describe, expect, it } from 'vitest';
import type { DashboardWidget } from './dashboardApi';
import { bucketRange, drillWhere, groupCondition } from './drilldown';
import type { EntityDefinition } from '../../api/meta';
import { CREATED, dashboardFilters, dateFieldsOf, defaultDateField, type FilterChoice } from './filters';

const won = { '==': [{ var: 'stage' }, 'won'] };

describe('bucketRange', () => {
  it('turns each bucket label into a half-open date range', () => {
    expect(bucketRange('month', '2026-03')).toEqual(['2026-03-01', '2026-04-01']);
    expect(bucketRange('month', '2026-12')).toEqual(['2026-12-01', '2027-01-01']);
    expect(bucketRange('quarter', '2026-Q1')).toEqual(['2026-01-01', '2026-04-01']);
    expect(bucketRange('quarter', '2026-Q4')).toEqual(['2026-10-01', '2027-01-01']);
    expect(bucketRange('year', '2026')).toEqual(['2026-01-01', '2027-01-01']);
    expect(bucketRange('day', '2026-02-28')).toEqual(['2026-02-28', '2026-03-01']);
    // ISO week 1 of 2026 starts on Monday 2025-12-29; week 9 on 2026-02-23.
    expect(bucketRange('week', '2026-W01')).toEqual(['2025-12-29', '2026-01-05']);
    expect(bucketRange('week', '2026-W09')).toEqual(['2026-02-23', '2026-03-02']);
    expect(bucketRange('month', 'March')).toBeNull();
  });
});

describe('groupCondition', () => {
  it('is equality for plain values, a range for date buckets, null for the empty group', () => {
    expect(groupCondition('stage', 'won')).toEqual(won);
    expect(groupCondition('owner', 7)).toEqual({ '==': [{ var: 'owner' }, 7] });
    expect(groupCondition('closed_date:quarter', '2026-Q2')).toEqual({
      and: [{ '>=': [{ var: 'closed_date' }, '2026-04-01'] }, { '<': [{ var: 'closed_date' }, '2026-07-01'] }],
    });
    expect(groupCondition('closed_date:month', null)).toEqual({ '==': [{ var: 'closed_date' }, null] });
  });
});

describe('drillWhere', () => {
  const widget: DashboardWidget = {
    key: 'won_by_month',
    label: { en: 'Won' },
    entity: 'deal',
    chart: 'line',
    group_by: ['closed_date:month'],
    where: won,
    groups: [{ key: { closed_date: '2026-03' }, value: 10 }],
  };
  it('ANDs the widget where, the dashboard filter and the group', () => {
    const mine = { '==': [{ var: 'owner' }, { var: '$user.id' }] };
    expect(drillWhere(widget, widget.groups![0], mine)).toEqual({
      and: [
        won,
        mine,
        { and: [{ '>=': [{ var: 'closed_date' }, '2026-03-01'] }, { '<': [{ var: 'closed_date' }, '2026-04-01'] }] },
      ],
    });
    expect(drillWhere(widget, null, undefined)).toEqual(won);
    expect(drillWhere({ ...widget, where: undefined }, null, undefined)).toBe(true);
  });
});

describe('dashboardFilters', () => {
  const choice: FilterChoice = {
    range: ['2026-01-01', '2026-03-31'],
    mine: true,
    dateFields: { deal: 'closed_date', ticket: undefined },
    ownerFields: { deal: 'owner', ticket: 'assignee' },
  };
  it('builds one rule per entity, the end date inclusive', () => {
    expect(dashboardFilters(['deal', 'ticket', 'lead'], choice)).toEqual({
      deal: {
        and: [
          { '>=': [{ var: 'closed_date' }, '2026-01-01'] },
          { '<': [{ var: 'closed_date' }, '2026-04-01'] },
          { '==': [{ var: 'owner' }, { var: '$user.id' }] },
        ],
      },
      ticket: { '==': [{ var: 'assignee' }, { var: '$user.id' }] },
    });
    expect(dashboardFilters(['deal'], { ...choice, range: [null, null], mine: false })).toEqual({});
  });
});

describe('defaultDateField', () => {
  const field = (key: string, type: string) => ({ key, type, label: { en: key } });
  const ticket: EntityDefinition = {
    key: 'ticket',
    label: { en: 'Ticket' },
    fields: [field('subject', 'text'), field('response_due', 'datetime'), field('resolved_on', 'date')],
  };
  const bucketed: DashboardWidget = { key: 'w', label: { en: 'W' }, entity: 'ticket', chart: 'bar', group_by: ['response_due:month'] };
  it('is the field a widget buckets by, else the first date, else when records were created', () => {
    expect(defaultDateField(ticket, [bucketed])).toBe('response_due');
    expect(defaultDateField(ticket, [])).toBe('resolved_on');
    const lead: EntityDefinition = { key: 'lead', label: { en: 'Lead' }, fields: [field('name', 'text'), field('met_at', 'datetime')] };
    expect(defaultDateField(lead, [])).toBe(CREATED);
    expect(dateFieldsOf(lead)).toEqual(['met_at', CREATED]);
  });
});
