// File uploads (multipart field `file` to /api/files); a record's attachment field
// then refers to the returned id.

import { api } from './client';

export interface StoredFile {
  id: string;
  name: string;
  content_type: string;
  size: number;
  sha256?: string;
  created_at?: string;
}

export const UPLOAD_URL = '/api/files';

export function uploadFile(file: File): Promise<StoredFile> {
  const data = new FormData();
  data.append('file', file);
  return api.upload<StoredFile>(UPLOAD_URL, data);
}

export function fileUrl(id: string): string {
  return `${UPLOAD_URL}/${encodeURIComponent(id)}`;
}
