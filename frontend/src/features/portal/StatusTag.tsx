// A record's field shown the way the rest of the app shows it (status tags with their colours),
// looked up on the entity's definition.

import { useEntityDefinition } from '../../app/queries';
import { FieldValue } from '../../fields/FieldValue';
import type { RecordData } from '../../api/records';

export function EntityFieldValue({ entity, field, record }: { entity: string; field: string; record: RecordData }) {
  const definition = useEntityDefinition(entity).data;
  const fieldDefinition = definition?.fields.find((f) => f.key === field);
  if (!fieldDefinition) return <span>{String(record[field] ?? '')}</span>;
  return <FieldValue field={fieldDefinition} record={record} />;
}
