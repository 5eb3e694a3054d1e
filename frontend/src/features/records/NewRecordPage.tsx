// Placeholder until the feature lands (replaced by its owner).

export function NewRecordPage() {
  return <div data-testid="placeholder-NewRecordPage">NewRecordPage</div>;
}
