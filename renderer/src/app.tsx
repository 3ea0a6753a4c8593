import { AppShell, NavLink, Title } from '@mantine/core';
import { useState } from 'react';

const pages = ['Datasets', 'Identities', 'Search', 'Evaluation', 'Settings'] as const;
type PageName = (typeof pages)[number];

export function App() {
  const [page, setPage] = useState<PageName>('Datasets');

  return (
    <AppShell navbar={{ width: 200, breakpoint: 0 }} padding="md">
      <AppShell.Navbar p="sm">
        <Title order={4} mb="md">
          MP-ReID
        </Title>
        {pages.map((name) => (
          <NavLink key={name} label={name} active={name === page} onClick={() => setPage(name)} />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>{page}</AppShell.Main>
    </AppShell>
  );
}
