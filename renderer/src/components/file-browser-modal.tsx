import { Alert, Badge, Button, Group, Loader, Modal, NavLink, ScrollArea, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useApiQuery } from '../hooks/use-api-query';
import { ErrorAlert } from './error-alert';

export interface FileBrowserModalProps {
  opened: boolean;
  onClose: () => void;
  kind: 'folder' | 'file';
  /** File extensions to list, with the dot, e.g. [".mat"]; folders are always listed. */
  extensions?: string[];
  /** Folder to open first; the server's home folder when absent. */
  initialPath?: string;
  onPick: (path: string) => void;
}

/**
 * Folder and file picker for the browser, where no native dialog exists: it
 * lists folders on the machine that runs the server through `files.browse`.
 */
export function FileBrowserModal({ opened, onClose, kind, extensions = [], initialPath, onPick }: FileBrowserModalProps) {
  const [path, setPath] = useState<string | undefined>(initialPath);
  const [typedPath, setTypedPath] = useState(initialPath ?? '');
  const [selectedFile, setSelectedFile] = useState<string | null>(null);
  // True while the field contains typed text not yet opened, which a listing that arrives meanwhile must not replace.
  const [typing, setTyping] = useState(false);
  const listing = useApiQuery('files.browse', opened ? { path, extensions } : null);

  useEffect(() => {
    if (!opened) return;
    setPath(initialPath);
    setTypedPath(initialPath ?? '');
    setTyping(false);
    setSelectedFile(null);
  }, [opened, initialPath]);

  useEffect(() => {
    if (listing.data && !typing) setTypedPath(listing.data.path);
    // Only a new listing updates the field, not the end of typing.
  }, [listing.data]);

  const navigate = (folder: string) => {
    setTyping(false);
    setPath(folder);
  };

  const openTypedPath = () => {
    setTyping(false);
    const typed = typedPath.trim();
    if (!typed) return;
    if (kind === 'file' && extensions.some((extension) => typed.toLowerCase().endsWith(extension))) {
      setSelectedFile(typed);
      setPath(parentOf(typed));
      return;
    }
    setSelectedFile(null);
    setPath(typed);
  };

  const choose = () => {
    const chosen = kind === 'folder' ? listing.data?.path : selectedFile;
    if (!chosen) return;
    onPick(chosen);
    onClose();
  };

  return (
    <Modal opened={opened} onClose={onClose} title={kind === 'folder' ? 'Choose a folder' : `Choose a ${extensions.join(' or ')} file`} size="lg">
      <Stack gap="sm">
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <TextInput
            label="Path"
            value={typedPath}
            onChange={(event) => {
              setTypedPath(event.currentTarget.value);
              setTyping(true);
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter') openTypedPath();
            }}
            style={{ flex: 1 }}
            data-testid="browser-path"
            data-autofocus
          />
          <Button variant="default" onClick={openTypedPath}>
            Go
          </Button>
          <Button variant="default" disabled={!listing.data?.parent} onClick={() => listing.data?.parent && navigate(listing.data.parent)}>
            Up
          </Button>
        </Group>

        <ErrorAlert error={listing.error} title="Cannot list this folder" />
        <ScrollArea h={320} type="auto" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 4 }}>
          {listing.loading && !listing.data && <Loader size="sm" m="md" />}
          {listing.data?.entries.length === 0 && (
            <Text c="dimmed" size="sm" m="md">
              {kind === 'folder' ? 'No subfolders here.' : `No folders or ${extensions.join(', ')} files here.`}
            </Text>
          )}
          {listing.data?.entries.map((entry) => (
            <NavLink
              key={entry.path}
              label={entry.name}
              leftSection={<Badge size="xs" variant="light" color={entry.kind === 'folder' ? 'gray' : 'indigo'}>{entry.kind}</Badge>}
              active={entry.path === selectedFile}
              onClick={() => (entry.kind === 'folder' ? navigate(entry.path) : setSelectedFile(entry.path))}
            />
          ))}
        </ScrollArea>
        {listing.data?.truncated && (
          <Alert color="yellow" variant="light">
            This folder has more entries than the list shows; type a path to reach the others.
          </Alert>
        )}

        <Group justify="space-between" wrap="nowrap">
          <Text size="sm" c="dimmed" truncate="end" title={kind === 'file' ? (selectedFile ?? undefined) : listing.data?.path}>
            {kind === 'file' ? (selectedFile ?? 'No file selected') : listing.data?.path}
          </Text>
          <Group gap="xs" wrap="nowrap">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button onClick={choose} disabled={kind === 'folder' ? !listing.data : !selectedFile}>
              {kind === 'folder' ? 'Use this folder' : 'Use this file'}
            </Button>
          </Group>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Returns the folder part of a server path. Both separators occur because the server may run on Windows. */
function parentOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut > 0 ? path.slice(0, cut) : path;
}
