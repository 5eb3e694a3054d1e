// A month/week calendar of an entity's records on the view's date field (FullCalendar v7):
// events for the visible range only, coloured by the view's first select column, clicking
// opens the record, dragging to another day saves the new date with `_version` (a refusal
// is shown and the event goes back).

import FullCalendar from '@fullcalendar/react';
import dayGridPlugin from '@fullcalendar/react/daygrid';
import interactionPlugin from '@fullcalendar/react/interaction';
import zhCnLocale from '@fullcalendar/react/locales/zh-cn';
import classicThemePlugin from '@fullcalendar/react/themes/classic';
import '@fullcalendar/react/skeleton.css';
import '@fullcalendar/react/themes/classic/theme.css';
import '@fullcalendar/react/themes/classic/palette.css';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Spin } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { isApiError } from '../../api/errors';
import { listRecords, updateRecord } from '../../api/records';
import { LoadError } from '../../app/PageStates';
import { paths } from '../../app/paths';
import { queryKeys } from '../../app/queries';
import type { EntityViewProps } from '../shell/viewProps';
import { allOf, isoDay, recordToEvent, viewFilter } from './boardLogic';

const LIMIT = 500;

export function CalendarView({ entity, view, where }: EntityViewProps) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [range, setRange] = useState<{ start: string; end: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const dateField = view.date_field ?? '';
  const isDate = entity.fields.find((f) => f.key === dateField)?.type !== 'datetime';
  const filter = useMemo(
    () =>
      range
        ? allOf({ '>=': [{ var: dateField }, range.start] }, { '<': [{ var: dateField }, range.end] }, viewFilter(view), where)
        : undefined,
    [range, dateField, view, where],
  );
  const records = useQuery({
    queryKey: [...queryKeys.records(entity.key), 'calendar', view.key, filter],
    queryFn: ({ signal }) => listRecords(entity.key, { where: filter, limit: LIMIT, sort: [dateField] }, signal),
    enabled: range !== null,
    placeholderData: (previous) => previous,
  });
  const events = useMemo(
    () =>
      (records.data?.items ?? [])
        .map((r) => recordToEvent(r, entity, view, i18n.language))
        .filter((e): e is NonNullable<typeof e> => e !== null),
    [records.data, entity, view, i18n.language],
  );

  return (
    <div data-testid="calendar">
      {notice && <Alert type="error" message={notice} closable onClose={() => setNotice(null)} data-testid="board-notice" style={{ marginBottom: 8 }} />}
      {records.error && <LoadError error={records.error} onRetry={() => void records.refetch()} />}
      <Spin spinning={records.isFetching}>
        <FullCalendar
          plugins={[dayGridPlugin, interactionPlugin, classicThemePlugin]}
          initialView="dayGridMonth"
          locales={[zhCnLocale]}
          locale={i18n.language === 'zh-CN' ? 'zh-cn' : 'en'}
          headerToolbar={{ start: 'prev,next today', center: 'title', end: 'dayGridMonth,dayGridWeek' }}
          height="auto"
          editable
          eventDurationEditable={false}
          events={events}
          datesSet={(info) => {
            const start = isDate ? isoDay(info.start) : info.start.toISOString();
            const end = isDate ? isoDay(info.end) : info.end.toISOString();
            setRange((old) => (old && old.start === start && old.end === end ? old : { start, end }));
          }}
          eventClick={(info) => {
            info.jsEvent.preventDefault();
            navigate(paths.record(entity.key, String(info.event.extendedProps.recordId)));
          }}
          eventDrop={(info) => {
            const start = info.event.start;
            if (!start) return info.revert();
            const value = isDate ? isoDay(start) : start.toISOString();
            const props = info.event.extendedProps as { recordId: string; version: number };
            setNotice(null);
            updateRecord(entity.key, props.recordId, { [dateField]: value }, props.version)
              .then(() => client.invalidateQueries({ queryKey: queryKeys.records(entity.key) }))
              .catch((error: unknown) => {
                info.revert();
                setNotice(
                  isApiError(error)
                    ? t('boards.failed', { message: error.details.map((d) => d.message).join('; ') || error.message })
                    : t('boards.failed', { message: String(error) }),
                );
              });
          }}
          eventDidMount={(info) => {
            info.el.setAttribute('data-testid', `calendar-event-${String(info.event.extendedProps.recordId)}`);
          }}
        />
      </Spin>
      {!records.isLoading && !records.error && range && events.length === 0 && (
        <Alert type="info" message={t('boards.empty')} style={{ marginTop: 8 }} />
      )}
    </div>
  );
}
