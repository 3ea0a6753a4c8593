import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from '../../components/error-alert';
import { useApiMutation } from '../../hooks/use-api-mutation';
import { useNotify } from '../../hooks/use-notify';

/** Deletes a dataset after the user confirms in a dialog that names it. */
export function DeleteDatasetButton({ datasetId, name, onDeleted }: { datasetId: number; name: string; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const deletion = useApiMutation('datasets.delete');
  const notify = useNotify();

  const confirm = async () => {
    const result = await deletion.run({ datasetId });
    if (!result) return;
    setConfirming(false);
    notify({ tone: 'success', title: `Deleted ${name}` });
    onDeleted();
  };

  return (
    <>
      <Button size="xs" variant="subtle" color="red" onClick={() => setConfirming(true)} aria-label={`Delete ${name}`}>
        Delete
      </Button>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={`Delete ${name}?`}>
        <Stack gap="md">
          <Text size="sm">
            This removes the dataset's images, identities and attributes from the workspace. The image files on disk stay where they are, and cached embeddings stay for a later re-import.
          </Text>
          <ErrorAlert error={deletion.error} title="Delete failed" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Keep it
            </Button>
            <Button color="red" onClick={confirm} loading={deletion.pending}>
              Delete dataset
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
