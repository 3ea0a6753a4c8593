import { Button, Menu } from '@mantine/core';
import type { PromptGenerator } from '../../../../main/prompts/api-schemas';

export interface RegenerateMenuProps {
  label: string;
  loading: boolean;
  onChoose: (generator: PromptGenerator) => void;
}

/** Chooses the generator for one identity's new prompt: the offline template or the chat model. */
export function RegenerateMenu({ label, loading, onChoose }: RegenerateMenuProps) {
  return (
    <Menu position="bottom-start" withinPortal>
      <Menu.Target>
        <Button size="xs" variant="light" loading={loading} data-testid="regenerate-button">
          {label} ▾
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item onClick={() => onChoose('template')}>With the template (offline)</Menu.Item>
        <Menu.Item onClick={() => onChoose('chat')}>With the chat model</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
