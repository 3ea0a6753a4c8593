import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from '../../components/error-alert';
import { useApiMutation } from '../../hooks/use-api-mutation';
import { useNotify } from '../../hooks/use-notify';

/** Deletes a run that is not running after the user confirms in a dialog that names it. */
export function DeleteRunButton({ runId, name, disabled, onDeleted }: { runId: number; name: string; disabled: boolean; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const deletion = useApiMutation('training.delete');
  const notify = useNotify();

  const confirm = async () => {
    if (!(await deletion.run({ runId }))) return;
    setConfirming(false);
    notify({ tone: 'success', title: `Deleted ${name}` });
    onDeleted();
  };

  return (
    <>
      <Button size="xs" variant="subtle" color="red" disabled={disabled} onClick={() => setConfirming(true)} aria-label={`Delete ${name}`} title={disabled ? 'Cancel the run before deleting it.' : undefined}>
        Delete
      </Button>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={`Delete ${name}?`}>
        <Stack gap="md">
          <Text size="sm">This removes the run with its curves, figures and checkpoints.</Text>
          <ErrorAlert error={deletion.error} title="Delete failed" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Keep it
            </Button>
            <Button color="red" onClick={confirm} loading={deletion.pending} data-testid="confirm-delete-run">
              Delete run
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
