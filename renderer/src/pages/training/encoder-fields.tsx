import { Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { PathPicker } from '../../components/path-picker';
import { ClipDownload } from './clip-download';
import type { TextEncoder } from './config-draft';
import { IntegerField, type DraftBinding } from './draft-fields';

export interface EncoderFieldsProps {
  binding: DraftBinding;
  onSourceChange: (source: TextEncoder['source']) => void;
}

/** Implicit tokens, the joint space's width and the text encoder: trained from scratch at a chosen size, or frozen CLIP weights from a file. */
export function EncoderFields({ binding, onSourceChange }: EncoderFieldsProps) {
  const encoder = binding.draft.textEncoder;
  return (
    <Stack gap="sm">
      <Group align="flex-start" gap="md">
        <IntegerField binding={binding} path="implicitTokens" label="Implicit tokens" description="X tokens per identity" />
        <IntegerField binding={binding} path="jointWidth" label="Joint width" description="image-text space" />
      </Group>
      <Stack gap={6}>
        <Text size="sm" fw={500}>
          Text encoder
        </Text>
        <SegmentedControl
          w="fit-content"
          data={[
            { value: 'scratch', label: 'Train from scratch' },
            { value: 'clip', label: 'CLIP weights file' },
          ]}
          value={encoder.source}
          onChange={(value) => onSourceChange(value as TextEncoder['source'])}
          aria-label="Text encoder source"
          data-testid="text-encoder-source"
        />
        {encoder.source === 'scratch' ? (
          <Group align="flex-start" gap="md">
            <IntegerField binding={binding} path="textEncoder.width" label="Width" description="a multiple of the heads" />
            <IntegerField binding={binding} path="textEncoder.layers" label="Layers" />
            <IntegerField binding={binding} path="textEncoder.heads" label="Attention heads" />
            <IntegerField binding={binding} path="textEncoder.contextLength" label="Context length" description="tokens, 8 to 77" />
          </Group>
        ) : (
          <ClipDownload>
            <PathPicker
              label="CLIP text weights"
              description="ViT-B/16 text transformer as .safetensors or .onnx; kept frozen."
              kind="file"
              extensions={['.safetensors', '.onnx']}
              value={encoder.weightsPath}
              onChange={(path) => binding.setField('textEncoder.weightsPath', path)}
              error={binding.errors['textEncoder.weightsPath']}
              required
              testId="clip-weights"
            />
          </ClipDownload>
        )}
      </Stack>
    </Stack>
  );
}
