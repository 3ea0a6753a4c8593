import type { ExplicitPromptKinds, MpreidConfig, PresetName } from './training-types';

/** The ablation rows: which explicit prompt kinds each preset aligns image features with. */
const presetPrompts: Record<PresetName, ExplicitPromptKinds> = {
  learnable: { attributeWords: false, chat: false, vqa: false },
  'attribute-words': { attributeWords: true, chat: false, vqa: false },
  vqa: { attributeWords: false, chat: false, vqa: true },
  chat: { attributeWords: false, chat: true, vqa: false },
  'chat-vqa': { attributeWords: false, chat: true, vqa: true },
};

export const presetInfo: Record<PresetName, { label: string; description: string }> = {
  learnable: { label: 'Learnable prompt only', description: 'Implicit prompt tokens per identity (stage 1), then image features aligned with them (stage 2), as in CLIP-ReID.' },
  'attribute-words': { label: '+ coarse attribute words', description: "Adds each identity's attribute words, joined into one phrase, as an explicit prompt." },
  vqa: { label: '+ VQA prompts', description: "Adds the sentences made from each identity's majority VQA answers." },
  chat: { label: '+ ChatGPT prompts', description: "Adds each identity's ChatGPT prompt (chat model or offline template)." },
  'chat-vqa': { label: '+ ChatGPT and VQA prompts', description: 'Adds both explicit prompt kinds, fused by an MLP: the full MP-ReID model.' },
};

/**
 * Defaults for heads trained on a frozen image encoder with a small text
 * transformer trained from scratch. The loss weights follow the method
 * (lambda_id = 0.25, lambda_tri = 1, the rest 1); the learning rates are far
 * above those for fine-tuning a whole CLIP encoder, which heads tolerate.
 */
const defaults: Omit<MpreidConfig, 'preset' | 'prompts'> = {
  stage1Epochs: 2,
  stage1LearningRate: 1e-3,
  stage2Epochs: 8,
  learningRate: 5e-4,
  warmupEpochs: 1,
  weightDecay: 1e-4,
  identitiesPerBatch: 16,
  imagesPerIdentity: 4,
  lossWeights: { cls: 1, m2p: 1, p2m: 1, m2pce: 1, id: 0.25, tri: 1 },
  implicitTokens: 4,
  jointWidth: 256,
  textEncoder: { source: 'scratch', width: 128, layers: 2, heads: 4, contextLength: 48 },
  seed: 1,
  evaluateEachEpoch: true,
  evaluationFeatures: 'image',
  executionProvider: 'auto',
};

export function presetConfig(name: PresetName): MpreidConfig {
  return { ...structuredClone(defaults), preset: name, prompts: { ...presetPrompts[name] } };
}

export function usesExplicitPrompts(prompts: ExplicitPromptKinds): boolean {
  return prompts.attributeWords || prompts.chat || prompts.vqa;
}
