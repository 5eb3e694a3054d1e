// date (value `YYYY-MM-DD`) and datetime (value ISO 8601 in UTC): antd DatePicker.

import { DatePicker } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import utc from 'dayjs/plugin/utc';
import type { LoomWidgetProps } from './types';

dayjs.extend(utc);

export const DATE_FORMAT = 'YYYY-MM-DD';

export function toDateValue(day: Dayjs | null): string | undefined {
  return day ? day.format(DATE_FORMAT) : undefined;
}

export function toDateTimeValue(moment: Dayjs | null): string | undefined {
  return moment ? moment.utc().format('YYYY-MM-DDTHH:mm:ss[Z]') : undefined;
}

function parsed(value: unknown, date: boolean): Dayjs | null {
  if (typeof value !== 'string' || !value) return null;
  const day = date ? dayjs(value, DATE_FORMAT) : dayjs(value);
  return day.isValid() ? day : null;
}

function DayPicker({ props, withTime }: { props: LoomWidgetProps; withTime: boolean }) {
  return (
    <DatePicker
      id={props.id}
      aria-label={props.label}
      aria-required={props.required}
      style={{ width: '100%' }}
      showTime={withTime}
      value={parsed(props.value, !withTime)}
      format={withTime ? 'YYYY-MM-DD HH:mm:ss' : DATE_FORMAT}
      disabled={props.readonly || props.disabled}
      placeholder={props.placeholder}
      status={props.hasError ? 'error' : undefined}
      onChange={(day: Dayjs | null) => props.onChange(withTime ? toDateTimeValue(day) : toDateValue(day))}
      onBlur={props.onBlur}
    />
  );
}

export function DateWidget(props: LoomWidgetProps) {
  return <DayPicker props={props} withTime={false} />;
}

export function DateTimeWidget(props: LoomWidgetProps) {
  return <DayPicker props={props} withTime />;
}
