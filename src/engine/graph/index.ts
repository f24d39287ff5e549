/** The model as a graph of layers: the layer table, sites, logits and the forward executor. */
export { layerSpec, layersOfKind, isWeightKind, weightShortName, activationName, type LayerKind, type WeightKind, type LayerSpec, type ChannelFlow, type WeightAxes } from './layer-kinds.js';
export { modelGraph, type GraphStep, type ModelGraph } from './model-graph.js';
export { logitsSource, type LogitsSource } from './logits.js';
export { logitsModel, type LogitsModel } from './logits-model.js';
export { findSites, siteReads, filterReads, type SiteRead, type FilterRead } from './sites.js';
export { deadChannels, channelRole, channelRoles, keepsChannels, type DeadChannels, type ChannelRole } from './dead-channels.js';
export { forward, forwardPrefix, logitsOf, type ForwardOptions, type ForwardResult } from './executor.js';
export type { SiteInfo, SiteKind } from './types.js';
