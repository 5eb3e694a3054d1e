// Placeholder until the inbox lands.
export function NotificationsPage() {
  return <div>NotificationsPage</div>;
}
