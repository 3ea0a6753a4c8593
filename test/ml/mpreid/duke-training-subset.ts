import { loadClipTokenizer } from '../../../main/ml/tokenizer';
import type { FeatureSet, IdentityPromptTokens, MpreidTrainingData } from '../../../main/ml/mpreid';
import { computeDukeFeatures, dataRoot, listDukeImages, type DukeImage } from '../../helpers/duke-features';

const colours = ['black', 'white', 'red', 'blue', 'gray', 'green', 'brown', 'yellow'];

async function featureSet(images: DukeImage[]): Promise<FeatureSet> {
  return {
    features: await computeDukeFeatures(images),
    personIds: Int32Array.from(images, (image) => image.personId),
    cameraIds: Int32Array.from(images, (image) => image.cameraId),
    imageIds: Int32Array.from(images, (_, index) => index + 1),
  };
}

/**
 * Real OSNet features of the first `identities` Duke training identities,
 * and of the query and gallery images of the first 10 query identities with
 * 60 other gallery images. Each identity gets prompts of every kind, worded
 * from its person id, so neighbouring identities differ in their words.
 */
export async function dukeTrainingSubset(identities: number): Promise<MpreidTrainingData> {
  const tokenizer = await loadClipTokenizer(`${dataRoot}/clip/bpe_simple_vocab_16e6.txt.gz`);
  const tokens = (text: string) => {
    const row = tokenizer.tokenize(text, { contextLength: 48, truncate: true });
    return Array.from(row.subarray(0, row.indexOf(tokenizer.endTokenId) + 1));
  };

  const allTrain = listDukeImages('bounding_box_train');
  const people = [...new Set(allTrain.map((image) => image.personId))].slice(0, identities);
  const train = allTrain.filter((image) => people.includes(image.personId));
  const queryPeople = [...new Set(listDukeImages('query').map((image) => image.personId))].slice(0, 10);
  const query = listDukeImages('query').filter((image) => queryPeople.includes(image.personId));
  const gallery = listDukeImages('bounding_box_test');
  const chosenGallery = [...gallery.filter((image) => queryPeople.includes(image.personId)), ...gallery.filter((image) => !queryPeople.includes(image.personId)).slice(0, 60)];

  const promptsOf = (personId: number): IdentityPromptTokens => {
    const upper = colours[personId % colours.length];
    const lower = colours[Math.floor(personId / 8) % colours.length];
    return {
      attributeWords: tokens(`A person with ${upper} upper body, ${lower} lower body.`),
      chat: tokens(`A person in a ${upper} jacket and ${lower} trousers walks past the camera.`),
      vqa: [tokens(`The person is a ${personId % 2 === 0 ? 'woman' : 'man'}.`), tokens(`The person is wearing ${upper} shoes.`)],
    };
  };
  const template = tokens('A photo of a X X X X person.');
  const placeholder = tokenizer.tokenize('x', { contextLength: 3 })[1];

  return {
    featureWidth: 512,
    train: await featureSet(train),
    trainLabels: Int32Array.from(train, (image) => people.indexOf(image.personId)),
    classes: people.length,
    prompts: people.map(promptsOf),
    implicitTemplate: { tokens: template, learnablePositions: template.flatMap((token, position) => (token === placeholder ? [position] : [])) },
    query: await featureSet(query),
    gallery: await featureSet(chosenGallery),
    testPrompts: new Map([...query, ...chosenGallery].map((image) => [image.personId, promptsOf(image.personId)])),
  };
}
