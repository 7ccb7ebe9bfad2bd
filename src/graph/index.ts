/** The graph IR: builders, autodiff, ONNX export and import. */
export * from './dtype.ts';
export * from './shape.ts';
export * from './tensor.ts';
export * from './graph.ts';
export * from './op-registry.ts';
export * from './grad.ts';
export * from './ops/constant.ts';
export * from './ops/elementwise.ts';
export * from './ops/reduce.ts';
export * from './ops/layout.ts';
export * from './ops/matmul.ts';
export * from './ops/fill.ts';
export * from './ops/broadcast.ts';
export * from './onnx/export.ts';
