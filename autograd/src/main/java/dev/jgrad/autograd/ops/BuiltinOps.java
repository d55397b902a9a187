package dev.jgrad.autograd.ops;

import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;

/**
 * Registers jgrad's own ops, through the same {@link OpProvider} service that plugin ops use
 * (listed in {@code META-INF/services/dev.jgrad.api.op.OpProvider}).
 */
public final class BuiltinOps implements OpProvider {
  @Override
  public void register(OpRegistry.Registration r) {
    ArithmeticOps.register(r);
    MatmulOps.register(r);
    ReductionOps.register(r);
    ShapeOps.register(r);
    ActivationOps.register(r);
    LossOps.register(r);
    LabelLossOps.register(r);
    NllLossOps.register(r);
    BiasActivationOps.register(r);
    // convolution and pooling
    ConvOps.register(r);
    PoolOps.register(r);
    DropoutOps.register(r);
    // selection, clamping and statistics
    ClampOps.register(r);
    MinMaxOps.register(r);
    SelectionOps.register(r);
    StatisticsOps.register(r);
  }
}
