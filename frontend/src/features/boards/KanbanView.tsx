// Placeholder until the feature lands (replaced by its owner).
import type { EntityViewProps } from '../shell/viewProps';
export function KanbanView(_props: EntityViewProps) {
  return <div data-testid="placeholder-KanbanView">KanbanView</div>;
}
