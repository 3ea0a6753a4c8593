import { NumberInput, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import { draftField, type ConfigDraft, type FieldErrors } from './config-draft';

/** Field binding of the config form: the draft, the current field errors and a setter by dotted path. */
export interface DraftBinding {
  draft: ConfigDraft;
  errors: FieldErrors;
  setField: (path: string, value: unknown) => void;
}

export interface DraftFieldProps {
  binding: DraftBinding;
  /** Dotted path of the field in the training config, e.g. "lossWeights.tri". */
  path: string;
  label: ReactNode;
  description?: ReactNode;
  placeholder?: string;
  width?: number;
}

/** Edits a whole-number config field with stepper arrows. */
export function IntegerField({ binding, path, label, description, placeholder, width = 150 }: DraftFieldProps) {
  const value = draftField(binding.draft, path) as number | string | undefined;
  return (
    <NumberInput
      label={label}
      description={description}
      placeholder={placeholder}
      value={value ?? ''}
      onChange={(next) => binding.setField(path, next)}
      error={binding.errors[path]}
      allowDecimal={false}
      w={width}
      data-testid={`config-${path}`}
    />
  );
}

/**
 * Edits a real-valued config field as text, so that learning rates such as
 * 5e-7 can be typed in exponent notation. The form parses the text on check.
 */
export function DecimalField({ binding, path, label, description, placeholder, width = 150 }: DraftFieldProps) {
  const value = draftField(binding.draft, path) as number | string | undefined;
  return (
    <TextInput
      label={label}
      description={description}
      placeholder={placeholder}
      value={value === undefined ? '' : String(value)}
      onChange={(event) => binding.setField(path, event.currentTarget.value)}
      error={binding.errors[path]}
      inputMode="decimal"
      w={width}
      data-testid={`config-${path}`}
    />
  );
}
