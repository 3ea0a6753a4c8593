import { Alert } from '@mantine/core';
import type { ApiCallError } from '../api/client';

/** An API error shown inline where it happened; renders nothing when there is no error. */
export function ErrorAlert({ error, title = 'Request failed', onClose }: { error: ApiCallError | null; title?: string; onClose?: () => void }) {
  if (!error) return null;
  return (
    <Alert color="red" variant="light" title={title} withCloseButton={Boolean(onClose)} onClose={onClose} role="alert" data-error-code={error.code}>
      {error.message}
    </Alert>
  );
}
