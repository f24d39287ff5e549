/** Physical removal of neurons: a smaller stock tf.LayersModel whose logits equal the masked model's. */
export { removeNeurons, removeNeuronsDetailed, type SurgeryResult } from './remove-neurons.js';
export { channelPlan, type ChannelPlan } from './channel-plan.js';
