import { Button, TextInput } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { isDesktop } from '../api/client';
import { FileBrowserModal } from './file-browser-modal';

export interface PathPickerProps {
  label: string;
  description?: ReactNode;
  kind: 'folder' | 'file';
  /** For files: extensions with the dot, e.g. [".onnx"]. */
  extensions?: string[];
  value: string;
  onChange: (path: string) => void;
  placeholder?: string;
  required?: boolean;
  error?: ReactNode;
  testId?: string;
}

/**
 * A path field with a Browse button: the native dialog in the desktop app,
 * a server-side folder listing in the browser. The path can also be typed.
 */
export function PathPicker({ label, description, kind, extensions, value, onChange, placeholder, required, error, testId }: PathPickerProps) {
  const [browsing, setBrowsing] = useState(false);

  const browse = async () => {
    if (!isDesktop) {
      setBrowsing(true);
      return;
    }
    const picked = await window.mpreid!.pickPath(kind, extensions);
    if (picked) onChange(picked);
  };

  const startFolder = kind === 'file' && value ? value.replace(/[\\/][^\\/]*$/, '') : value;

  return (
    <>
      <TextInput
        label={label}
        description={description}
        value={value}
        onChange={(event) => onChange(event.currentTarget.value)}
        placeholder={placeholder ?? (kind === 'folder' ? '/path/to/folder' : `/path/to/file${extensions?.[0] ?? ''}`)}
        required={required}
        error={error}
        data-testid={testId}
        rightSectionWidth={96}
        rightSectionPointerEvents="all"
        rightSection={
          <Button size="compact-sm" variant="default" onClick={browse} data-testid={testId ? `${testId}-browse` : undefined}>
            Browse…
          </Button>
        }
      />
      {!isDesktop && (
        <FileBrowserModal
          opened={browsing}
          onClose={() => setBrowsing(false)}
          kind={kind}
          extensions={extensions}
          initialPath={startFolder || undefined}
          onPick={onChange}
        />
      )}
    </>
  );
}
