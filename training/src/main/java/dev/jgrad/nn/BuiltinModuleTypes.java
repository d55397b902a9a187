package dev.jgrad.nn;

import com.google.common.math.LongMath;
import dev.jgrad.api.DType;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.autograd.GeluApproximation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The description of jgrad's own layers, registered through {@link java.util.ServiceLoader} as a
 * plugin's would be. Each writes what its constructor takes; weights are not described (the
 * rebuilt layers start from a fixed seed, and their tensors are then loaded by name).
 */
public final class BuiltinModuleTypes implements ModuleTypeProvider {
  /** Layers are rebuilt with throwaway weights, overwritten by the saved ones. */
  private static Random throwaway() {
    return new Random(0);
  }

  @Override
  public List<ModuleType<?>> moduleTypes() {
    return List.of(
        ModuleType.of("Sequential", Sequential.class,
            (seq, spec, types) -> spec.setStrings("names", seq.names())
                .setModules("layers", seq.layers().stream().map(types::describe).toList()),
            BuiltinModuleTypes::sequential),
        ModuleType.of("Linear", Linear.class,
            (l, spec, types) -> spec.set("in", l.inFeatures()).set("out", l.outFeatures()),
            BuiltinModuleTypes::linear),
        ModuleType.of("Conv2d", Conv2d.class,
            BuiltinModuleTypes::describeConv2d, BuiltinModuleTypes::conv2d),
        ModuleType.of("MaxPool2d", MaxPool2d.class, BuiltinModuleTypes::pool,
            (spec, dtype, types) -> new MaxPool2d(spec.ints("kernel", 2, 1),
                spec.ints("stride", 2, 1), spec.ints("padding", 2, 0))),
        ModuleType.of("AvgPool2d", AvgPool2d.class, BuiltinModuleTypes::pool,
            (spec, dtype, types) -> new AvgPool2d(spec.ints("kernel", 2, 1),
                spec.ints("stride", 2, 1), spec.ints("padding", 2, 0))),
        ModuleType.of("Flatten", Flatten.class, (f, spec, types) -> { },
            (spec, dtype, types) -> new Flatten()),
        ModuleType.of("Unflatten", Unflatten.class,
            (u, spec, types) -> spec.set("shape", u.shape()),
            (spec, dtype, types) -> new Unflatten(spec.intList("shape", 8, 1))),
        ModuleType.of("Dropout", Dropout.class,
            (d, spec, types) -> spec.set("p", d.p()).set("seed", d.seed()),
            (spec, dtype, types) -> new Dropout(spec.number("p"), spec.wholeNumber("seed"))),
        ModuleType.of("BatchNorm1d", BatchNorm1d.class, BuiltinModuleTypes::describeBatchNorm,
            (spec, dtype, types) -> new BatchNorm1d(batchNormFeatures(spec),
                batchNormOptions(spec), dtype)),
        ModuleType.of("BatchNorm2d", BatchNorm2d.class, BuiltinModuleTypes::describeBatchNorm,
            (spec, dtype, types) -> new BatchNorm2d(batchNormFeatures(spec),
                batchNormOptions(spec), dtype)),
        ModuleType.of("ReLU", ReLU.class, (m, spec, types) -> { },
            (spec, dtype, types) -> new ReLU()),
        ModuleType.of("Sigmoid", Sigmoid.class, (m, spec, types) -> { },
            (spec, dtype, types) -> new Sigmoid()),
        ModuleType.of("Tanh", Tanh.class, (m, spec, types) -> { },
            (spec, dtype, types) -> new Tanh()),
        ModuleType.of("LeakyReLU", LeakyReLU.class,
            (m, spec, types) -> spec.set("slope", m.slope()),
            (spec, dtype, types) -> new LeakyReLU(spec.number("slope"))),
        // "approximate" as PyTorch spells it: "none" or "tanh"
        ModuleType.of("GELU", GELU.class,
            (m, spec, types) -> spec.set("approximate",
                m.approximation().name().toLowerCase(Locale.ROOT)),
            BuiltinModuleTypes::gelu),
        ModuleType.of("OpActivation", OpActivation.Layer.class,
            (m, spec, types) -> spec.set("op", m.op()).setAttributes("attrs", m.attrs().asMap()),
            BuiltinModuleTypes::opActivation));
  }

  private static Linear linear(ModuleSpec spec, DType dtype, ModuleTypes types) {
    int in = spec.positiveInt("in");
    int out = spec.positiveInt("out");
    spec.reserve((long) in * out + out);
    return new Linear(in, out, Init.he(), throwaway(), dtype);
  }

  /** A convolution's fields; "bias": 0 only for one without (older descriptions have a bias). */
  private static void describeConv2d(Conv2d c, ModuleSpec.Builder spec, ModuleTypes types) {
    window(spec.set("in", c.inChannels()).set("out", c.outChannels()), c.window());
    if (c.bias() == null) {
      spec.set("bias", 0L);
    }
  }

  private static Conv2d conv2d(ModuleSpec spec, DType dtype, ModuleTypes types) {
    int in = spec.positiveInt("in");
    int out = spec.positiveInt("out");
    int[] kernel = spec.ints("kernel", 2, 1);
    spec.reserve(LongMath.saturatedAdd(LongMath.saturatedMultiply(
        LongMath.saturatedMultiply((long) in * out, kernel[0]), kernel[1]), out));
    boolean bias = !spec.fields().containsKey("bias") || flag(spec, "bias");
    return new Conv2d(in, out, kernel, spec.ints("stride", 2, 1), spec.ints("padding", 2, 0),
        bias, throwaway(), dtype);
  }

  /**
   * A BatchNorm's features, and its options where they are not the defaults (so a default
   * layer's description, and a checkpoint's bytes, are what they were; older descriptions have
   * none and load with the defaults).
   */
  private static void describeBatchNorm(BatchNorm b, ModuleSpec.Builder spec, ModuleTypes types) {
    spec.set("features", b.channels());
    BatchNormOptions o = b.options();
    BatchNormOptions d = BatchNormOptions.defaults();
    if (o.epsValue() != d.epsValue()) {
      spec.set("eps", o.epsValue());
    }
    if (o.momentumValue() != d.momentumValue()) {
      spec.set("momentum", o.momentumValue());
    }
    if (!o.isAffine()) {
      spec.set("affine", 0L);
    }
    if (!o.tracksRunningStats()) {
      spec.set("trackRunningStats", 0L);
    }
  }

  /** The options a BatchNorm's description gives, the defaults where it gives none. */
  private static BatchNormOptions batchNormOptions(ModuleSpec spec) {
    BatchNormOptions o = BatchNormOptions.defaults();
    double eps = spec.fields().containsKey("eps") ? spec.number("eps") : o.epsValue();
    double momentum = spec.fields().containsKey("momentum") ? spec.number("momentum")
        : o.momentumValue();
    try {
      o = o.eps(eps).momentum(momentum);
    } catch (IllegalArgumentException e) { // the option's own words, said where it was
      throw spec.error(e.getMessage());
    }
    if (spec.fields().containsKey("affine")) {
      o = o.affine(flag(spec, "affine"));
    }
    if (spec.fields().containsKey("trackRunningStats")) {
      o = o.trackRunningStats(flag(spec, "trackRunningStats"));
    }
    return o;
  }

  /** A 0/1 field: 1 true, 0 false. */
  private static boolean flag(ModuleSpec spec, String field) {
    int v = spec.intAtLeast(field, 0);
    if (v > 1) {
      throw spec.error("field '" + field + "' is " + v + "; it must be 0 (false) or 1 (true)");
    }
    return v == 1;
  }

  /** The features of a BatchNorm, whose weight, bias and two running statistics it reserves. */
  private static int batchNormFeatures(ModuleSpec spec) {
    int features = spec.positiveInt("features");
    spec.reserve(4L * features + 1);
    return features;
  }

  private static void pool(Pool2d pool, ModuleSpec.Builder spec, ModuleTypes types) {
    window(spec, pool.window());
  }

  /** A sliding window's fields, the same for convolutions and poolings. */
  private static void window(ModuleSpec.Builder spec, Window2d w) {
    spec.set("kernel", w.kernel()).set("stride", w.stride()).set("padding", w.padding());
  }

  private static GELU gelu(ModuleSpec spec, DType dtype, ModuleTypes types) {
    String approximate = spec.string("approximate");
    for (GeluApproximation a : GeluApproximation.values()) {
      if (a.name().toLowerCase(Locale.ROOT).equals(approximate)) {
        return new GELU(a);
      }
    }
    throw spec.error("field 'approximate' is '" + approximate + "'; it must be 'none' (exact) or"
        + " 'tanh'");
  }

  private static OpActivation.Layer opActivation(ModuleSpec spec, DType dtype,
      ModuleTypes types) {
    String op = spec.string("op");
    try {
      OpRegistry.global().definition(op);
    } catch (RuntimeException e) { // the registry's reason: not found, its provider failed, ...
      throw spec.error(e.getMessage());
    }
    List<Object> pairs = new ArrayList<>();
    spec.attributes("attrs").forEach((k, v) -> {
      pairs.add(k);
      pairs.add(v);
    });
    return new OpActivation.Layer(op, Attrs.of(pairs.toArray()));
  }

  private static Sequential sequential(ModuleSpec spec, DType dtype, ModuleTypes types) {
    List<ModuleSpec> children = spec.modules("layers");
    List<String> names = spec.strings("names", children.size());
    return Sequential.named(names, children.stream().map(c -> types.build(c, dtype)).toList());
  }
}
