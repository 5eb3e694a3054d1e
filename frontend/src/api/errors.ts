// The one error type the API client throws, so screens can branch on status/code and
// map field details (dotted paths) without parsing response bodies themselves.

export interface ApiErrorDetail {
  field: string | null;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ApiErrorDetail[];
  /** Seconds to wait before retrying (from `Retry-After` on a 429), else null. */
  readonly retryAfter: number | null;

  constructor(status: number, code: string, message: string, details: ApiErrorDetail[] = [], retryAfter: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** Seconds from a `Retry-After` header (delta seconds or an HTTP date). */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const when = Date.parse(header);
  return Number.isNaN(when) ? null : Math.max(0, Math.ceil((when - now) / 1000));
}

function asDetails(value: unknown): ApiErrorDetail[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((d): d is Record<string, unknown> => typeof d === 'object' && d !== null)
    .map((d) => ({
      field: typeof d.field === 'string' ? d.field : null,
      message: typeof d.message === 'string' ? d.message : String(d.message ?? ''),
    }));
}

/** Build an ApiError from a failed response's status, parsed body (if any) and headers. */
export function errorFromResponse(status: number, body: unknown, headers: Headers): ApiError {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  const fields = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const code = typeof fields.code === 'string' ? fields.code : `http_${status}`;
  const message = typeof fields.message === 'string' ? fields.message : `HTTP ${status}`;
  const retryAfter = status === 429 ? parseRetryAfter(headers.get('Retry-After')) : null;
  return new ApiError(status, code, message, asDetails(fields.details), retryAfter);
}
