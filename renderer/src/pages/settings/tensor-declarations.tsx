import { Alert, Code, Stack, Text } from '@mantine/core';
import type { TensorDeclaration } from '../../../../main/api/schemas';

/** The inputs and outputs an ONNX file declares, with symbolic dimensions shown by name. */
export function TensorDeclarations({ inputs, outputs, proposed }: { inputs: TensorDeclaration[]; outputs: TensorDeclaration[]; proposed: boolean }) {
  const describe = (tensor: TensorDeclaration) => `${tensor.name}: ${tensor.type} [${tensor.shape.join(', ')}]`;

  return (
    <Alert variant="light" color={proposed ? 'teal' : 'yellow'} title={proposed ? 'Model card proposed from the file' : 'No model card could be proposed; fill it in'}>
      <Stack gap={2}>
        <Text size="sm">Inputs</Text>
        {inputs.map((tensor) => (
          <Code key={tensor.name}>{describe(tensor)}</Code>
        ))}
        <Text size="sm">Outputs</Text>
        {outputs.map((tensor) => (
          <Code key={tensor.name}>{describe(tensor)}</Code>
        ))}
        <Text size="xs" c="dimmed">
          Mean and std cannot be read from the file; check them against the model's training recipe.
        </Text>
      </Stack>
    </Alert>
  );
}
