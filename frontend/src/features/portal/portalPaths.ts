// The portal's own URLs, below paths.portal() (the routes are declared in PortalPage).

import type { RecordId } from '../../api/records';
import { paths } from '../../app/paths';

export const portalPaths = {
  home: () => paths.portal(),
  project: (id: RecordId) => `${paths.portal()}/projects/${encodeURIComponent(String(id))}`,
  tickets: () => `${paths.portal()}/tickets`,
  newTicket: (project?: RecordId) =>
    `${paths.portal()}/tickets/new${project === undefined ? '' : `?project=${encodeURIComponent(String(project))}`}`,
  survey: (project: RecordId) => `${paths.portal()}/survey/${encodeURIComponent(String(project))}`,
};
