// Who works in the customer portal instead of the full app: people whose only roles are
// portal roles (a customer's staff). Anyone with a staff role as well gets the full app.

import type { CurrentUser } from '../api/auth';

export const PORTAL_ROLES: ReadonlySet<string> = new Set(['customer']);

export function isPortalUser(user: CurrentUser | null): boolean {
  const roles = user?.roles ?? [];
  return roles.length > 0 && roles.every((role) => PORTAL_ROLES.has(role));
}
