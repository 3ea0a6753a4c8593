import { AppShell, Box, Loader, NavLink, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { NotificationCenter } from './components/notification-center';
import { useJob } from './hooks/use-job';
import { DatasetsPage } from './pages/datasets/datasets-page';
import { EvaluationPage } from './pages/evaluation/evaluation-page';
import { IdentitiesPage } from './pages/identities/identities-page';
import { PromptsPage } from './pages/prompts/prompts-page';
import { SearchPage } from './pages/search/search-page';
import { SettingsPage } from './pages/settings/settings-page';
import { TrainingPage } from './pages/training/training-page';
import { useTrainingBusy } from './pages/training/use-training-busy';

const pages = {
  Datasets: DatasetsPage,
  Identities: IdentitiesPage,
  Prompts: PromptsPage,
  Search: SearchPage,
  Training: TrainingPage,
  Evaluation: EvaluationPage,
  Settings: SettingsPage,
} as const;
type PageName = keyof typeof pages;

export function App() {
  const [page, setPage] = useState<PageName>('Datasets');
  const Page = pages[page];
  const busyPages = useBusyPages();

  return (
    <NotificationCenter>
      <AppShell navbar={{ width: 200, breakpoint: 0 }} padding="md">
        <AppShell.Navbar p="sm" component="nav" aria-label="Pages">
          <Title order={4} mb={2}>
            MP-ReID
          </Title>
          <Text size="xs" c="dimmed" mb="md">
            Workstation
          </Text>
          {(Object.keys(pages) as PageName[]).map((name) => (
            <NavLink
              key={name}
              label={name}
              active={name === page}
              onClick={() => setPage(name)}
              rightSection={busyPages.has(name) ? <Loader size={12} aria-label="job running" /> : null}
              aria-current={name === page ? 'page' : undefined}
              data-page={name}
            />
          ))}
        </AppShell.Navbar>
        <AppShell.Main>
          <Box maw={1400}>
            <Page />
          </Box>
        </AppShell.Main>
      </AppShell>
    </NotificationCenter>
  );
}

/** Pages whose job is running, marked in the navigation so that a job started elsewhere stays visible. */
function useBusyPages(): Set<PageName> {
  const importing = useJob('datasets.import', 'import').running;
  const embedding = useJob('embeddings.run', 'embed').running;
  const evaluating = useJob('evaluation.run', 'evaluate').running;
  const generatingPrompts = useJob('prompts.generate', 'prompts.generate').running;
  const answeringVqa = useJob('prompts.vqa.run', 'prompts.vqa').running;
  const training = useTrainingBusy();

  const busy = new Set<PageName>();
  if (importing) busy.add('Datasets');
  if (embedding || evaluating) busy.add('Evaluation');
  if (generatingPrompts || answeringVqa) busy.add('Prompts');
  if (training) busy.add('Training');
  return busy;
}
