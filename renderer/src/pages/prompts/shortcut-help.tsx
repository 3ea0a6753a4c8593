import { Group, Kbd, Text } from '@mantine/core';
import { Fragment } from 'react';

const shortcuts: { keys: string[]; action: string }[] = [
  { keys: ['J', '↓', 'N'], action: 'next' },
  { keys: ['K'], action: 'previous' },
  { keys: ['A'], action: 'accept' },
  { keys: ['F'], action: 'flag' },
  { keys: ['E'], action: 'edit' },
  { keys: ['Esc'], action: 'back to the list' },
];

/** Lists the review page's keyboard shortcuts, which act unless a text field has the focus. */
export function ShortcutHelp() {
  return (
    <Group gap="md" data-testid="shortcut-help">
      {shortcuts.map((shortcut) => (
        <Text key={shortcut.action} size="xs" c="dimmed">
          {shortcut.keys.map((key, index) => (
            <Fragment key={key}>
              {index > 0 && ' / '}
              <Kbd size="xs">{key}</Kbd>
            </Fragment>
          ))}{' '}
          {shortcut.action}
        </Text>
      ))}
    </Group>
  );
}
