import { Button, Divider, Group, Stack, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { ApiOutput } from '../../../../main/api/contract';
import { ErrorAlert } from '../../components/error-alert';
import { PathPicker } from '../../components/path-picker';
import { useApiMutation } from '../../hooks/use-api-mutation';
import { useNotify } from '../../hooks/use-notify';
import { draftFromCard, emptyDraft, validateDraft, type CardDraft, type CardFieldErrors } from './card-draft';
import { ModelCardFields } from './model-card-fields';
import { TensorDeclarations } from './tensor-declarations';

type Inspection = ApiOutput<'models.inspect'>;

/** Registers an ONNX model: inspecting the file proposes a model card, which the user checks and submits. */
export function RegisterModelForm({ onRegistered }: { onRegistered: () => void }) {
  const [filePath, setFilePath] = useState('');
  const [name, setName] = useState('');
  const [draft, setDraft] = useState<CardDraft>(emptyDraft);
  const [fieldErrors, setFieldErrors] = useState<CardFieldErrors>({});
  const [inspected, setInspected] = useState<Inspection | null>(null);
  const inspection = useApiMutation('models.inspect');
  const registration = useApiMutation('models.register');
  const notify = useNotify();

  const inspect = async () => {
    const result = await inspection.run({ filePath: filePath.trim() });
    setInspected(result ?? null);
    if (!result) return;
    setFieldErrors({});
    setDraft(result.proposedCard ? draftFromCard(result.proposedCard) : { ...draft, inputName: result.inputs[0]?.name ?? '', outputName: result.outputs[0]?.name ?? '' });
  };

  const register = async () => {
    const checked = validateDraft(draft);
    if ('errors' in checked) {
      setFieldErrors(checked.errors);
      return;
    }
    setFieldErrors({});
    const model = await registration.run({ filePath: filePath.trim(), name: name.trim() || undefined, card: checked.card });
    if (!model) return;
    notify({ tone: 'success', title: `Registered ${model.name}`, message: `${model.featureDimension}-d features from ${model.card.height} × ${model.card.width} input.` });
    setFilePath('');
    setName('');
    setInspected(null);
    setDraft(emptyDraft);
    onRegistered();
  };

  return (
    <Stack gap="sm" data-testid="register-model-form">
      <Divider />
      <Title order={5}>Register a model</Title>
      <PathPicker label="ONNX file" kind="file" extensions={['.onnx']} value={filePath} onChange={setFilePath} testId="model-file" />
      <Group>
        <Button variant="light" onClick={inspect} loading={inspection.pending} disabled={!filePath.trim()} data-testid="inspect-model">
          Inspect file
        </Button>
      </Group>
      <ErrorAlert error={inspection.error} title="Cannot read this model" />
      {inspected && <TensorDeclarations inputs={inspected.inputs} outputs={inspected.outputs} proposed={inspected.proposedCard !== null} />}

      <TextInput label="Name (optional)" description="Defaults to the file name." value={name} onChange={(event) => setName(event.currentTarget.value)} maw={400} />
      <ModelCardFields draft={draft} onChange={setDraft} errors={fieldErrors} />
      <ErrorAlert error={registration.error} title="Registration rejected" />
      <Group>
        <Button onClick={register} loading={registration.pending} disabled={!filePath.trim()} data-testid="register-model">
          Register model
        </Button>
      </Group>
    </Stack>
  );
}
