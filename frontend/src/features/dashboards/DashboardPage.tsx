// Placeholder until the feature lands (replaced by its owner).

export function DashboardPage() {
  return <div data-testid="placeholder-DashboardPage">DashboardPage</div>;
}
