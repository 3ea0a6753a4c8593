import { Badge, Button, Code, Group, NumberInput, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { DatasetSelect } from '../../components/dataset-select';
import { ErrorAlert } from '../../components/error-alert';
import { useApiMutation } from '../../hooks/use-api-mutation';
import { useSelectedDataset } from '../../hooks/use-selection';

/** Shows the current instruction with one identity's attribute words filled in, as the chat model receives it. */
export function InstructionPreview() {
  const [datasetId, setDatasetId] = useSelectedDataset();
  const [personId, setPersonId] = useState<number | ''>('');
  const preview = useApiMutation('prompts.instruction.preview');
  const [shown, setShown] = useState<Awaited<ReturnType<typeof preview.run>>>(undefined);

  const run = async () => {
    if (datasetId === null || personId === '') return;
    setShown(await preview.run({ datasetId, personId }));
  };

  return (
    <Stack gap="xs" data-testid="instruction-preview">
      <Group align="flex-end" gap="xs">
        <DatasetSelect value={datasetId} onChange={setDatasetId} />
        <NumberInput label="Person id" value={personId} onChange={(value) => setPersonId(value === '' ? '' : Number(value))} allowDecimal={false} w={120} data-testid="preview-person-id" />
        <Button variant="light" onClick={run} disabled={datasetId === null || personId === ''} loading={preview.pending} data-testid="preview-instruction">
          Preview
        </Button>
      </Group>
      <ErrorAlert error={preview.error} title="Cannot preview" />
      {shown && (
        <>
          <Group gap={4}>
            <Text size="xs" c="dimmed">
              Version {shown.version} with {shown.words.length} words:
            </Text>
            {shown.words.map((word) => (
              <Badge key={word} size="sm" variant="light" tt="none">
                {word}
              </Badge>
            ))}
          </Group>
          <Code block data-testid="instruction-preview-text">
            {shown.text}
          </Code>
        </>
      )}
    </Stack>
  );
}
