import { vqaProviderSchema, type VqaProviderRequest } from '../../../../main/prompts/api-schemas';

/**
 * Starting point of the ONNX provider's settings: a 256 x 128 input with
 * ImageNet mean and std, and one yes/no output mapped to the headwear
 * question. The analyst edits it to match their attribute model.
 */
export const exampleOnnxSettings = JSON.stringify(
  {
    inputName: 'images',
    height: 256,
    width: 128,
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
    channelOrder: 'RGB',
    outputs: [{ questionKey: 'headwear', outputName: 'hat', labels: ['yes', 'no'], threshold: 0.5 }],
  },
  null,
  2,
);

/** Checks the model path and the JSON settings against the API's provider schema. */
export function parseOnnxProvider(modelPath: string, settingsJson: string): { provider: VqaProviderRequest } | { error: string } {
  let settings: unknown;
  try {
    settings = JSON.parse(settingsJson);
  } catch (reason) {
    return { error: `The settings are not valid JSON: ${reason instanceof Error ? reason.message : String(reason)}` };
  }
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) return { error: 'The settings must be one JSON object.' };

  const parsed = vqaProviderSchema.safeParse({ ...settings, kind: 'onnx', modelPath: modelPath.trim() });
  if (parsed.success) return { provider: parsed.data };
  const issue = parsed.error.issues[0];
  return { error: `${issue.path.join('.') || 'settings'}: ${issue.message}` };
}
