// Placeholder until the inbox lands.
export function ApprovalsPage() {
  return <div>ApprovalsPage</div>;
}
