import { Alert, Button, FileButton, Paper, Stack, Text } from '@mantine/core';
import { useState, type DragEvent } from 'react';

/** Largest file accepted: its base64 data URL must stay under the API's 20 MB limit. */
const maxFileBytes = 15 * 1024 * 1024;
const acceptedTypes = ['image/jpeg', 'image/png'];

/** A drop target and file button for a PNG or JPEG image, handed on as a data URL. */
export function ImageDropZone({ onImage }: { onImage: (dataUrl: string, fileName: string) => void }) {
  const [dragging, setDragging] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const accept = async (file: File | null | undefined) => {
    if (!file) return;
    if (!acceptedTypes.includes(file.type)) {
      setProblem(`${file.name} is ${file.type || 'of an unknown type'}; choose a JPEG or PNG image.`);
      return;
    }
    if (file.size > maxFileBytes) {
      setProblem(`${file.name} has ${(file.size / 1048576).toFixed(1)} MB; choose an image under ${maxFileBytes / 1048576} MB.`);
      return;
    }
    setProblem(null);
    try {
      onImage(await readAsDataUrl(file), file.name);
    } catch (error) {
      setProblem(`Reading ${file.name} failed: ${(error as Error).message}`);
    }
  };

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void accept(event.dataTransfer.files[0]);
  };

  return (
    <Stack gap="xs">
      <Paper
        p="xl"
        radius="md"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
        style={{
          border: `2px dashed ${dragging ? 'var(--mantine-primary-color-filled)' : 'var(--mantine-color-default-border)'}`,
          textAlign: 'center',
        }}
        data-testid="image-drop-zone"
      >
        <Stack gap="xs" align="center">
          <Text>Drop a JPEG or PNG image of a person here</Text>
          <FileButton onChange={accept} accept={acceptedTypes.join(',')} inputProps={{ 'aria-label': 'Query image file' }}>
            {(props) => (
              <Button variant="default" {...props}>
                Choose a file…
              </Button>
            )}
          </FileButton>
        </Stack>
      </Paper>
      {problem && (
        <Alert color="red" variant="light" role="alert">
          {problem}
        </Alert>
      )}
    </Stack>
  );
}

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error(`Reading ${file.name} failed.`));
    reader.readAsDataURL(file);
  });
}
