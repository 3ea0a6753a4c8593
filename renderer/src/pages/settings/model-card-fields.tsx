import { Group, NumberInput, SegmentedControl, Input, Text, TextInput } from '@mantine/core';
import type { CardDraft, CardFieldErrors } from './card-draft';
import { TripleNumberInput } from './triple-number-input';

export interface ModelCardFieldsProps {
  draft: CardDraft;
  onChange: (draft: CardDraft) => void;
  errors: CardFieldErrors;
}

/** Inputs for each model card field; the layout is always NCHW, so it is shown but not editable. */
export function ModelCardFields({ draft, onChange, errors }: ModelCardFieldsProps) {
  const set = <K extends keyof CardDraft>(field: K, value: CardDraft[K]) => onChange({ ...draft, [field]: value });
  const channels: [string, string, string] = draft.channelOrder === 'RGB' ? ['R', 'G', 'B'] : ['B', 'G', 'R'];
  const toSize = (value: number | string) => (value === '' ? '' : Number(value));

  return (
    <>
      <Group align="flex-start">
        <TextInput label="Input name" value={draft.inputName} onChange={(event) => set('inputName', event.currentTarget.value)} error={errors.inputName} w={200} data-testid="card-input-name" />
        <TextInput label="Output name" value={draft.outputName} onChange={(event) => set('outputName', event.currentTarget.value)} error={errors.outputName} w={200} data-testid="card-output-name" />
        <Input.Wrapper label="Layout">
          <Text size="sm" mt={8}>
            NCHW
          </Text>
        </Input.Wrapper>
      </Group>
      <Group align="flex-start">
        <NumberInput label="Height (pixels)" value={draft.height} onChange={(value) => set('height', toSize(value))} error={errors.height} allowDecimal={false} w={140} data-testid="card-height" />
        <NumberInput label="Width (pixels)" value={draft.width} onChange={(value) => set('width', toSize(value))} error={errors.width} allowDecimal={false} w={140} data-testid="card-width" />
        <Input.Wrapper label="Channel order" error={errors.channelOrder}>
          <SegmentedControl data={['RGB', 'BGR']} value={draft.channelOrder} onChange={(value) => set('channelOrder', value as CardDraft['channelOrder'])} display="flex" />
        </Input.Wrapper>
      </Group>
      <TripleNumberInput label="Mean" description="Per channel, on pixel values scaled to 0..1." value={draft.mean} onChange={(value) => set('mean', value)} error={errors.mean} channels={channels} />
      <TripleNumberInput label="Std" description="Per channel, on pixel values scaled to 0..1; must be positive." value={draft.std} onChange={(value) => set('std', value)} error={errors.std} channels={channels} />
    </>
  );
}
