// Placeholder until the feature lands (replaced by its owner).

export function ImportPage() {
  return <div data-testid="placeholder-ImportPage">ImportPage</div>;
}
