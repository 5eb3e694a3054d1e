// Placeholder until the feature lands (replaced by its owner).

export function PortalPage() {
  return <div data-testid="placeholder-PortalPage">PortalPage</div>;
}
