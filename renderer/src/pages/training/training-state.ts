import type { ApiOutput } from '../../../../main/api/contract';
import { createSharedState } from '../../hooks/use-shared-state';
import type { ConfigDraft } from './config-draft';

export type PresetName = ApiOutput<'training.presets'>[number]['name'];

/** The form of the next run, kept while the user visits other pages. */
export interface NewRunForm {
  preset: PresetName | null;
  /** Null until a preset has filled it. */
  draft: ConfigDraft | null;
  name: string;
  vocabularyPath: string;
}

export const newRunFormState = createSharedState<NewRunForm>({ preset: null, draft: null, name: '', vocabularyPath: '' });

/** The run shown in the live view; null when none is open. */
export const openRunState = createSharedState<number | null>(null);
