// Placeholder until the feature lands (replaced by its owner).
import type { EntityViewProps } from '../shell/viewProps';
export function CalendarView(_props: EntityViewProps) {
  return <div data-testid="placeholder-CalendarView">CalendarView</div>;
}
