// What LoomForm hands its rjsf templates and widgets through rjsf's formContext.

import type { NormalLayout } from './layout';
import type { FormErrors } from './rules';
import type { FieldUi } from './types';
import type { WidgetContext } from './widgets/types';

export interface LoomFormContext extends WidgetContext {
  layout: NormalLayout;
  /** The server's uiSchema entry of each field (our derived uiSchema replaces `ui:widget`). */
  fieldUi: (key: string) => FieldUi;
  /** Grows on every blocked submit, so the layout can bring the first error into view. */
  submitAttempt: number;
  errors: FormErrors;
  otherFieldsTitle: string;
}
