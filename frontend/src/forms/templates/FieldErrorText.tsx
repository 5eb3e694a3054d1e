// The one element that shows a field's error: `data-field-error` carries the dotted path
// (the browser fixture suite reads errors by it), the text is the message.

export function FieldErrorText({ path, message }: { path: string; message: string }) {
  return (
    <div className="loom-field-error" data-field-error={path} role="alert" style={{ color: '#ff4d4f' }}>
      {message}
    </div>
  );
}
