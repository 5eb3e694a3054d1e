// What every view page (list, kanban, calendar, Gantt) is given by EntityViewPage: the
// entity's definition as the reader sees it, the chosen view, and the URL's filter.

import type { ViewDefinition } from '../../api/apps';
import type { EntityDefinition } from '../../api/meta';

export interface EntityViewProps {
  entity: EntityDefinition;
  view: ViewDefinition;
  /** A JsonLogic condition from `?where=` (a dashboard drill-down), ANDed with the view's own. */
  where?: unknown;
}
