// rjsf's per-field error slot: the first error only, as a FieldErrorText.

import type { FieldErrorProps } from '@rjsf/utils';
import { FieldErrorText } from './FieldErrorText';

export function FieldErrorTemplate({ errors, fieldPathId }: FieldErrorProps) {
  const first = errors?.find((e) => typeof e === 'string' && e);
  if (typeof first !== 'string') return null;
  return <FieldErrorText path={fieldPathId.path.join('.')} message={first} />;
}
