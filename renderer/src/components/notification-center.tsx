import { Affix, Notification, Stack } from '@mantine/core';
import { useCallback, useRef, useState, type ReactNode } from 'react';
import { NotifyContext, type NotificationInput } from '../hooks/use-notify';

interface ShownNotification extends NotificationInput {
  id: number;
}

const colorByTone = { success: 'teal', error: 'red', info: 'blue' } as const;

/** Success and info messages close by themselves after this many milliseconds. */
const autoCloseMs = 6000;

/** At most this many messages stay on screen; older ones make room. */
const maxShown = 4;

/** Provides `useNotify` to the tree and shows its messages stacked at the bottom right. */
export function NotificationCenter({ children }: { children: ReactNode }) {
  const [shown, setShown] = useState<ShownNotification[]>([]);
  const nextId = useRef(1);

  const close = useCallback((id: number) => setShown((list) => list.filter((item) => item.id !== id)), []);

  const notify = useCallback(
    (input: NotificationInput) => {
      const id = nextId.current++;
      setShown((list) => [...list, { ...input, id }].slice(-maxShown));
      if (input.tone !== 'error') setTimeout(() => close(id), autoCloseMs);
    },
    [close],
  );

  return (
    <NotifyContext.Provider value={notify}>
      {children}
      <Affix position={{ bottom: 16, right: 16 }} zIndex={400}>
        <Stack gap="xs" w={380} role="status" aria-live="polite">
          {shown.map((item) => (
            <Notification key={item.id} title={item.title} color={colorByTone[item.tone]} withBorder onClose={() => close(item.id)} data-tone={item.tone}>
              {item.message}
            </Notification>
          ))}
        </Stack>
      </Affix>
    </NotifyContext.Provider>
  );
}
