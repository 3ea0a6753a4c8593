import { presetNames } from '../ml/mpreid/training-types';
import type { TrainingConfig } from './run-views';
import type { MpreidTrainer } from './trainer-port';

/** Lists the ablation presets with labels and full configurations, without the trainer-internal preset field. */
export function listPresets(trainer: MpreidTrainer): { name: (typeof presetNames)[number]; label: string; description: string; config: TrainingConfig }[] {
  return presetNames.map((name) => {
    const { preset: _preset, ...config } = trainer.presetConfig(name);
    return { name, ...trainer.presetInfo[name], config: config as TrainingConfig };
  });
}
