import { Paper, SegmentedControl, Stack, Title, useMantineColorScheme, type MantineColorScheme } from '@mantine/core';

const schemes = [
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
  { value: 'auto', label: 'Follow the system' },
];

/** Light, dark or system color scheme; Mantine stores the choice in local storage. */
export function ThemeCard() {
  const { colorScheme, setColorScheme } = useMantineColorScheme();

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={4}>Theme</Title>
        <SegmentedControl data={schemes} value={colorScheme} onChange={(value) => setColorScheme(value as MantineColorScheme)} w="fit-content" data-testid="theme-switch" />
      </Stack>
    </Paper>
  );
}
