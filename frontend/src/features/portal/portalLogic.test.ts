import { describe, expect, it } from 'vitest';
import type { RecordData } from '../../api/records';
import { isOverdue, isTicketOpen, nextMilestones, orderMilestones, progressPercent, projectsAwaitingNps } from './portalLogic';

const m = (id: number, values: Partial<RecordData>): RecordData => ({ id, _version: 1, project: 1, ...values });

describe('milestones', () => {
  const list = [
    m(1, { sequence: 3, due_date: '2026-03-01', status: 'planned' }),
    m(2, { sequence: 1, due_date: '2026-01-01', status: 'reached' }),
    m(3, { sequence: 2, due_date: '2026-02-01', status: 'in_progress' }),
    m(4, { due_date: '2026-01-15', status: 'planned' }),
    m(5, { sequence: 1, status: 'planned', project: 2 }),
  ];
  it('orders by sequence, then due date, unsequenced last', () => {
    expect(orderMilestones(list).map((x) => x.id)).toEqual([2, 5, 3, 1, 4]);
  });
  it('picks the next unreached milestones of one project', () => {
    expect(nextMilestones(list, 1).map((x) => x.id)).toEqual([3, 1]);
    expect(nextMilestones(list, 2, 5).map((x) => x.id)).toEqual([5]);
  });
  it('tells overdue milestones', () => {
    expect(isOverdue(list[0], '2026-04-01')).toBe(true);
    expect(isOverdue(list[1], '2026-04-01')).toBe(false);
    expect(isOverdue(list[0], '2026-02-01')).toBe(false);
  });
});

describe('progress and tickets', () => {
  it('clamps and rounds progress, null when absent', () => {
    expect(progressPercent(42.6)).toBe(43);
    expect(progressPercent(130)).toBe(100);
    expect(progressPercent(-3)).toBe(0);
    expect(progressPercent(undefined)).toBeNull();
    expect(progressPercent('50')).toBeNull();
  });
  it('counts resolved and closed tickets as not open', () => {
    expect(isTicketOpen(m(1, { status: 'open' }))).toBe(true);
    expect(isTicketOpen(m(1, { status: 'waiting' }))).toBe(true);
    expect(isTicketOpen(m(1, { status: 'closed' }))).toBe(false);
  });
});

describe('NPS', () => {
  it('offers the survey for completed projects without a response', () => {
    const projects = [m(8, { status: 'completed' }), m(9, { status: 'completed' }), m(10, { status: 'active' })];
    const responses = [m(1, { project: 8 })];
    expect(projectsAwaitingNps(projects, responses).map((p) => p.id)).toEqual([9]);
  });
});
