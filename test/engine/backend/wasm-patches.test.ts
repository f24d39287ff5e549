import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ADAM_KERNEL, initBackend, nativeAddon, nativeKernelsActive, registerWasmPatches, unregisterWasmPatches } from '../../../src/engine/backend/index.js';

// Replaced by the wasm patches; and, where the addon is built, also these (stock otherwise).
const WASM = ['Conv2DBackpropInput', 'Conv2DBackpropFilter', 'BatchMatMul', '_FusedMatMul', 'Identity', 'MaxPoolGrad', 'Sum', 'Mean'];
const NATIVE_ONLY = ['Conv2D', 'FusedConv2D', 'FusedBatchNorm', 'MaxPool', 'Add', 'DepthwiseConv2dNative'];

describe('backend: registering and unregistering the wasm patches', () => {
  before(async () => { await initBackend({ backend: 'wasm', quiet: true }); });
  after(() => { unregisterWasmPatches(); registerWasmPatches(); });

  it('unregister puts every stock kernel and gradient back and removes the kernels only semslice adds; register undoes it', () => {
    const TOUCHED = [...WASM, ...(nativeAddon() ? NATIVE_ONLY : [])];
    const ours = TOUCHED.map((n) => tf.getKernel(n, 'wasm')?.kernelFunc);
    const grads = ['Relu', 'Relu6', 'ClipByValue', 'Mean'].map((n) => tf.getGradient(n)?.gradFunc);
    const bnProto = Object.getPrototypeOf(tf.layers.batchNormalization({})) as { call: unknown };
    const bnCall = bnProto.call;
    const reluProto = Object.getPrototypeOf(tf.layers.reLU({})) as { call: unknown };
    const reluCall = reluProto.call;
    unregisterWasmPatches();
    assert.notEqual(bnProto.call, bnCall, 'BatchNormalization.call is tfjs-layers\' own again');
    assert.notEqual(reluProto.call, reluCall, 'ReLU.call is tfjs-layers\' own again');
    const stock = TOUCHED.map((n) => tf.getKernel(n, 'wasm')?.kernelFunc);
    TOUCHED.forEach((n, i) => assert.notEqual(stock[i], ours[i], `${n} is still ours`));
    assert.equal(tf.getKernel(ADAM_KERNEL, 'wasm'), undefined);
    ['Relu', 'Relu6', 'ClipByValue', 'Mean'].forEach((n, i) => assert.notEqual(tf.getGradient(n)?.gradFunc, grads[i], `${n}'s gradient is still ours`));
    assert.equal(nativeKernelsActive(), false);
    registerWasmPatches();
    assert.equal(nativeKernelsActive(), nativeAddon() !== null);
    assert.equal(tf.getKernel(ADAM_KERNEL, 'wasm') !== undefined, nativeAddon() !== null);
    registerWasmPatches({ native: false });
    assert.equal(nativeKernelsActive(), nativeAddon() !== null, 'idempotent: a second register changes nothing');
  });

  it('with { native: false } the wasm kernels alone are registered', () => {
    unregisterWasmPatches();
    registerWasmPatches({ native: false });
    assert.equal(nativeKernelsActive(), false);
    assert.equal(tf.getKernel(ADAM_KERNEL, 'wasm'), undefined);
    assert.equal(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc.name, 'conv2dBackpropFilterWasm');
  });
});
