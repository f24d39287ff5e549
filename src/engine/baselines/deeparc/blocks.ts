/**
 * Residual blocks of a functional model and skipping them (DeepArc's block removal): a block is an Add of an
 * identity shortcut x and a branch, plus the per-channel layers right after the Add (its ReLU). Skipping a block
 * feeds x straight to whatever consumed the block's output; the new model is rebuilt from the edited config, with
 * every remaining layer's weights copied.
 */
import * as tf from '@tensorflow/tfjs';
import { modelGraph, type ModelGraph } from '../../graph/index.js';
import { fail } from '../../messages/index.js';

/** One residual block. */
export interface ResidualBlock {
  /** The Add layer's name (the block's name in tables). */
  name: string;
  /** Layer producing the shortcut input x. */
  inputLayer: string;
  /** Layer producing the block output (the Add or its last per-channel follower). */
  outputLayer: string;
  /** All layers of the block (branch, Add, followers). */
  layers: string[];
}

function upstream(g: ModelGraph, from: number, stop: number): Set<string> {
  const seen = new Set<string>();
  const todo = [from];
  while (todo.length) {
    const id = todo.pop()!;
    if (id === stop) continue;
    const s = g.producer.get(id);
    if (!s || seen.has(s.layer.name)) continue;
    seen.add(s.layer.name);
    todo.push(...s.inputIds);
  }
  return seen;
}

/** The identity-shortcut residual blocks of a model, in order (none for chain models). */
export function residualBlocks(model: tf.LayersModel): ResidualBlock[] {
  const g = modelGraph(model);
  const out: ResidualBlock[] = [];
  for (const s of g.steps) {
    if (s.spec.kind !== 'merge' || s.inputIds.length !== 2) continue;
    // The shortcut is the input upstream of the other (the branch starts from it).
    const [a, b] = s.inputIds as [number, number];
    let x: number, branch: Set<string>;
    if (reaches(g, b, a)) { x = a; branch = upstream(g, b, a); }
    else if (reaches(g, a, b)) { x = b; branch = upstream(g, a, b); }
    else continue;
    let outId = s.outputIds[0]!;
    const layers = [...branch, s.layer.name];
    for (;;) {
      const next = g.consumers.get(outId);
      if (!next || next.length !== 1 || next[0]!.spec.kind !== 'activation' || g.outputIds.includes(outId)) break;
      layers.push(next[0]!.layer.name);
      outId = next[0]!.outputIds[0]!;
    }
    const inputLayer = g.producer.get(x)?.layer.name;
    if (!inputLayer) continue;
    out.push({ name: s.layer.name, inputLayer, outputLayer: g.producer.get(outId)!.layer.name, layers });
  }
  return out;
}

/** True when tensor `to` is reached walking up from `from`. */
function reaches(g: ModelGraph, from: number, to: number): boolean {
  const todo = [from];
  const seen = new Set<number>();
  while (todo.length) {
    const id = todo.pop()!;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    const s = g.producer.get(id);
    if (s) todo.push(...s.inputIds);
  }
  return false;
}

interface LayerJson { name: string; class_name: string; config: Record<string, unknown>; inbound_nodes: unknown[][][] }

/**
 * A new model without these blocks (each block's input goes straight to the consumers of its output).
 *
 * @example
 * const small = await skipBlocks(model, residualBlocks(model).slice(1, 2));
 */
export async function skipBlocks(model: tf.LayersModel, blocks: readonly ResidualBlock[]): Promise<tf.LayersModel> {
  if (model.getClassName() === 'Sequential') {
    throw fail('NO_BLOCKS', { model: model.name });
  }
  const topo = model.toJSON(null, false) as unknown as { config: { layers: LayerJson[]; output_layers: unknown[][] } };
  const drop = new Set(blocks.flatMap((b) => b.layers));
  // Resolve chains of adjacent skipped blocks: an output maps to its block's input, which may itself be skipped.
  const redirect = new Map(blocks.map((b) => [b.outputLayer, b.inputLayer]));
  const target = (n: string): string => { let t = n; while (redirect.has(t)) t = redirect.get(t)!; return t; };
  const layers = topo.config.layers.filter((l) => !drop.has(l.name));
  for (const l of layers) for (const node of l.inbound_nodes) for (const ref of node) ref[0] = target(ref[0] as string);
  for (const ref of topo.config.output_layers) ref[0] = target(ref[0] as string);
  topo.config.layers = layers;
  const small = await tf.models.modelFromJSON({ modelTopology: topo as unknown as tf.io.ModelJSON['modelTopology'] });
  for (const l of small.layers) {
    const w = model.getLayer(l.name).getWeights();
    if (w.length) l.setWeights(w);
  }
  return small;
}
