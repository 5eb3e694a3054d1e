// frappe-gantt inside React (its stylesheet comes in through gantt.css): the chart is created once in a ref'd element, refreshed when the
// rows, the view mode or the language change, and its DOM removed on unmount, so React never
// touches the nodes frappe-gantt owns. The callbacks are read through refs so a new closure
// does not rebuild the chart.

import Gantt, { type FrappeTask } from 'frappe-gantt';
import { useEffect, useRef } from 'react';
import type { GanttRow } from './boardLogic';

interface Props {
  rows: GanttRow[];
  viewMode: 'Day' | 'Week' | 'Month';
  language: string;
  onOpen: (row: GanttRow) => void;
  onDatesChange: (row: GanttRow, start: Date, end: Date) => void;
}

/** frappe-gantt keeps state on the task objects it is given: hand it copies. */
function copy(rows: GanttRow[]): FrappeTask[] {
  return rows.map((r) => ({ id: r.id, name: r.name, start: r.start, end: r.end, progress: r.progress, dependencies: r.dependencies, custom_class: r.custom_class }));
}

function ganttLanguage(language: string): string {
  return language === 'zh-CN' ? 'zh' : 'en';
}

export function FrappeGantt({ rows, viewMode, language, onOpen, onDatesChange }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<Gantt | null>(null);
  const latest = useRef({ rows, onOpen, onDatesChange });
  latest.current = { rows, onOpen, onDatesChange };

  const initial = useRef({ viewMode, language });

  // Create once (StrictMode's second mount makes a fresh one after the cleanup).
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const find = (task: FrappeTask) => latest.current.rows.find((r) => r.id === task.id);
    chart.current = new Gantt(element, copy(latest.current.rows), {
      view_mode: initial.current.viewMode,
      language: ganttLanguage(initial.current.language),
      readonly_progress: true,
      popup_on: 'hover',
      on_click: (task) => {
        const row = find(task);
        if (row) latest.current.onOpen(row);
      },
      on_date_change: (task, start, end) => {
        const row = find(task);
        if (row) latest.current.onDatesChange(row, start, end);
      },
    });
    return () => {
      chart.current = null;
      element.replaceChildren();
    };
  }, []);

  useEffect(() => {
    chart.current?.refresh(copy(rows));
  }, [rows]);

  useEffect(() => {
    chart.current?.change_view_mode(viewMode, true);
  }, [viewMode]);

  useEffect(() => {
    chart.current?.update_options({ language: ganttLanguage(language) });
  }, [language]);

  return <div ref={host} data-testid="gantt-chart" className="loom-gantt" />;
}
