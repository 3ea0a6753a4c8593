import { Anchor, Button, Group, Image, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { ErrorAlert } from '../../components/error-alert';
import { plural } from '../../components/format';
import { offerTextDownload, type TextDownload } from '../../components/text-download';
import { useApiMutation } from '../../hooks/use-api-mutation';

type ExportFormat = 'csv' | 'svg';

const mimeTypes: Record<ExportFormat, string> = { csv: 'text/csv', svg: 'image/svg+xml' };

/** Exports the chosen runs' table as CSV or their comparison plot as SVG, downloads the file and keeps a link to it. */
export function ExportRuns({ runIds }: { runIds: number[] }) {
  const exportTable = useApiMutation('training.exportTable');
  const [download, setDownload] = useState<(TextDownload & { format: ExportFormat }) | null>(null);

  useEffect(() => () => download?.revoke(), [download]);

  const run = async (format: ExportFormat) => {
    const reply = await exportTable.run({ runIds, format });
    if (!reply) return;
    const fileName = `training-runs.${format}`;
    setDownload({ ...offerTextDownload(reply.content, fileName, mimeTypes[format]), format });
  };

  return (
    <Stack gap="xs">
      <Group gap="xs">
        <Text size="sm" c="dimmed">
          {runIds.length === 0 ? 'Choose runs to export.' : `${plural(runIds.length, 'run')} chosen.`}
        </Text>
        <Button size="xs" variant="default" disabled={runIds.length === 0} loading={exportTable.pending} onClick={() => run('csv')} data-testid="export-csv">
          Export CSV
        </Button>
        <Button size="xs" variant="default" disabled={runIds.length === 0} loading={exportTable.pending} onClick={() => run('svg')} data-testid="export-svg">
          Export SVG plot
        </Button>
        {download && (
          <Anchor href={download.url} download={download.fileName} size="sm" data-testid="export-link">
            Download {download.fileName} again
          </Anchor>
        )}
      </Group>
      <ErrorAlert error={exportTable.error} title="Export failed" onClose={exportTable.clearError} />
      {/* An <img> shows the SVG without running anything it might contain. */}
      {download?.format === 'svg' && <Image src={download.url} alt="Comparison plot of the chosen runs" maw={720} data-testid="export-svg-preview" />}
    </Stack>
  );
}
