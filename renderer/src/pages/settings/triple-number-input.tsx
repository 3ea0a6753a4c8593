import { Group, Input, NumberInput } from '@mantine/core';

export interface TripleNumberInputProps {
  label: string;
  description?: string;
  value: [number | '', number | '', number | ''];
  onChange: (value: [number | '', number | '', number | '']) => void;
  error?: string;
  /** Names of the three channels, in the order the model reads them. */
  channels: [string, string, string];
}

/** Three numbers, one per color channel, such as a normalisation mean or std. */
export function TripleNumberInput({ label, description, value, onChange, error, channels }: TripleNumberInputProps) {
  const change = (index: number, entry: number | string) => {
    const next = [...value] as [number | '', number | '', number | ''];
    next[index] = entry === '' ? '' : Number(entry);
    onChange(next);
  };

  return (
    <Input.Wrapper label={label} description={description} error={error}>
      <Group gap="xs" wrap="nowrap">
        {value.map((entry, index) => (
          <NumberInput
            key={channels[index]}
            aria-label={`${label} ${channels[index]}`}
            leftSection={channels[index]}
            value={entry}
            onChange={(changed) => change(index, changed)}
            decimalScale={4}
            step={0.001}
            hideControls
            w={110}
            error={Boolean(error)}
          />
        ))}
      </Group>
    </Input.Wrapper>
  );
}
