import { chatSettingsSchema, type ChatSettings } from '../../../../main/prompts/api-schemas';

/** Chat settings as the form edits them: numbers may be empty while the user types. */
export type ChatSettingsDraft = { [K in keyof ChatSettings]: ChatSettings[K] extends number ? number | '' : ChatSettings[K] };

export type ChatSettingsErrors = Partial<Record<keyof ChatSettings, string>>;

export function draftFromSettings(settings: ChatSettings): ChatSettingsDraft {
  const draft = {} as Record<keyof ChatSettings, unknown>;
  for (const field of Object.keys(chatSettingsSchema.shape) as (keyof ChatSettings)[]) draft[field] = settings[field];
  return draft as ChatSettingsDraft;
}

/** Checks the draft against the API's schema and returns the fields that differ from `saved`, or an error per field. */
export function changedSettings(draft: ChatSettingsDraft, saved: ChatSettings): { changes: Partial<ChatSettings> } | { errors: ChatSettingsErrors } {
  const parsed = chatSettingsSchema.safeParse(draft);
  if (!parsed.success) {
    const errors: ChatSettingsErrors = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as keyof ChatSettings;
      errors[field] ??= draft[field] === '' ? 'Required.' : issue.message;
    }
    return { errors };
  }

  const changes: Partial<Record<keyof ChatSettings, unknown>> = {};
  for (const field of Object.keys(parsed.data) as (keyof ChatSettings)[]) {
    if (parsed.data[field] !== saved[field]) changes[field] = parsed.data[field];
  }
  return { changes: changes as Partial<ChatSettings> };
}
