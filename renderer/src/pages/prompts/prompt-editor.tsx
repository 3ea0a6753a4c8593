import { Button, Group, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';

export interface PromptEditorProps {
  initialText: string;
  saving: boolean;
  onSave: (text: string) => void;
  onCancel: () => void;
  /** Name of the text for the field's label, such as "ChatGPT prompt". */
  label: string;
}

/** Edits one prompt's text. Ctrl+Enter saves and Escape cancels. */
export function PromptEditor({ initialText, saving, onSave, onCancel, label }: PromptEditorProps) {
  const [text, setText] = useState(initialText);
  const save = () => onSave(text);

  return (
    <Stack gap={6}>
      <Textarea
        aria-label={`Edit the ${label}`}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) save();
          if (event.key === 'Escape') onCancel();
        }}
        autosize
        minRows={2}
        maxRows={10}
        autoFocus
        data-testid="prompt-editor"
      />
      <Group gap="xs">
        <Button size="xs" onClick={save} loading={saving} disabled={text.trim() === '' || text === initialText} data-testid="save-prompt">
          Save
        </Button>
        <Button size="xs" variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Text size="xs" c="dimmed">
          Ctrl+Enter saves, Escape cancels.
        </Text>
      </Group>
    </Stack>
  );
}
