/** Types of the model graph shared by every layer of the engine. */

/** The weight-layer kind of a site. */
export type SiteKind = 'dense' | 'conv2d' | 'separable-conv2d';

/** A sliceable site: a hidden Dense, Conv2D or SeparableConv2D layer, read after its elementwise followers. */
export interface SiteInfo {
  /** Site name = the weight layer's name (e.g. "conv2d_1", "fc1"). */
  name: string;
  kind: SiteKind;
  /** Number of neurons (units or channels). */
  neurons: number;
  /** Name of the layer whose output is read (the last elementwise follower, or the weight layer itself). */
  readLayer: string;
  /** Names of the follower layers between the weight layer and the read point (BatchNormalization, Activation, Dropout). */
  followers: string[];
}

