import { Stack, Title } from '@mantine/core';
import { useState } from 'react';
import { useSharedState } from '../../hooks/use-shared-state';
import { NewRunCard } from './new-run-card';
import { RunView } from './run-view';
import { RunsCard } from './runs-card';
import { openRunState } from './training-state';

/** Starts MP-ReID training runs, follows the open one live, and compares, exports and deletes runs. */
export function TrainingPage() {
  const [openRunId, setOpenRunId] = useSharedState(openRunState);
  const [listVersion, setListVersion] = useState(0);
  const listChanged = () => setListVersion((value) => value + 1);

  return (
    <Stack gap="lg">
      <Title order={2}>Training</Title>
      <NewRunCard
        onStarted={(run) => {
          setOpenRunId(run.runId);
          listChanged();
        }}
      />
      {openRunId !== null && <RunView key={openRunId} runId={openRunId} onClose={() => setOpenRunId(null)} onChanged={listChanged} />}
      <RunsCard
        openRunId={openRunId}
        onOpen={setOpenRunId}
        onDeleted={(runId) => {
          if (runId === openRunId) setOpenRunId(null);
        }}
        version={listVersion}
      />
    </Stack>
  );
}
