// Placeholder until the feature lands (replaced by its owner).

export function RecordPage() {
  return <div data-testid="placeholder-RecordPage">RecordPage</div>;
}
