/** Attribute classifiers on frozen image features, exported as an ONNX model for the VQA answer provider. */
export { toVqaProviderRequest, type AttributeVqaConfig } from './attribute-model';
export { planHeads, type AttributeSchema, type HeadPlan } from './head-plans';
export { trainAttributeHeads, type AttributeHeadsRequest, type AttributeHeadsResult } from './train-attribute-heads';
export { measureAccuracy, trainHeads, type HeadAccuracy, type LabelledFeatures } from './train-heads';
