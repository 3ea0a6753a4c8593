import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAttributeFile } from '../../../main/datasets';
import { GraphBuilder } from '../../../main/ml/graph/graph-builder';
import type { Tensor } from '../../../main/ml/graph/tensor';
import { classOf, planHeads } from '../../../main/ml/attributes/head-plans';
import { addQuestionOutputs } from '../../../main/ml/attributes/question-outputs';
import { defaultQuestionBank } from '../../../main/prompts/vqa/question-bank';
import { dataRoot } from '../../helpers/duke-features';

async function marketPlans() {
  const table = await readAttributeFile(join(dataRoot, 'attributes/market_attribute.mat'), 'market1501');
  return planHeads(table.attributes);
}

describe('planHeads', () => {
  it('groups Market colours per garment', async () => {
    const plans = await marketPlans();
    const upper = plans.find((plan) => plan.name === 'up_colour')!;

    expect(upper.kind).toBe('colour');
    expect(upper.classNames).toEqual(['black', 'blue', 'green', 'gray', 'purple', 'red', 'white', 'yellow']);
    expect(plans.find((plan) => plan.name === 'up')?.kind).toBe('coded');
    expect(plans.some((plan) => plan.name === 'upblack')).toBe(false);
  });

  it('labels one marked colour only', async () => {
    const upper = (await marketPlans()).find((plan) => plan.name === 'up_colour')!;

    expect(classOf(upper, new Map([['upred', 2], ['upblue', 1]]))).toBe(upper.classNames.indexOf('red'));
    expect(classOf(upper, new Map([['upred', 2], ['upblue', 2]]))).toBe(-1);
    expect(classOf(upper, new Map([['upred', 1]]))).toBe(-1);
  });
});

describe('addQuestionOutputs', () => {
  it('maps Market heads to the bank', async () => {
    const plans = await marketPlans();
    const graph = new GraphBuilder('market_heads');
    const probabilities = new Map<string, Tensor>(plans.map((plan) => [plan.name, graph.input(plan.name, 'float32', ['batch', plan.classNames.length])]));

    const outputs = addQuestionOutputs(graph, probabilities, plans, defaultQuestionBank);

    expect(outputs.map((output) => output.questionKey).sort()).toEqual(['carried_item', 'gender', 'hair', 'headwear', 'lower_clothing', 'upper_clothing']);
    expect(outputs.find((output) => output.questionKey === 'carried_item')!.labels).toEqual(['backpack', 'handbag', 'bag', 'none']);
    expect(outputs.find((output) => output.questionKey === 'upper_clothing')!.labels).toContain('yellow top');
  });

  it('skips questions missing from the bank', async () => {
    const plans = await marketPlans();
    const graph = new GraphBuilder('market_heads');
    const probabilities = new Map<string, Tensor>(plans.map((plan) => [plan.name, graph.input(plan.name, 'float32', ['batch', plan.classNames.length])]));
    const bank = defaultQuestionBank.filter((question) => question.key !== 'gender');

    const outputs = addQuestionOutputs(graph, probabilities, plans, bank);

    expect(outputs.map((output) => output.questionKey)).not.toContain('gender');
    expect(outputs.map((output) => output.questionKey)).toContain('hair');
  });
});
