package dev.jgrad.train;

import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.ModuleType;
import dev.jgrad.nn.ModuleTypeProvider;
import java.util.List;

/**
 * A plugin's layer and its type, found by ServiceLoader from the test class path's
 * META-INF/services, as a plugin jar's would be: {@code y = x * scale * factor}, with one
 * trained parameter and one hyper-parameter.
 */
public final class ScaleTypeProvider implements ModuleTypeProvider {
  /** The plugin's layer. */
  public static final class Scale extends Module {
    final double factor;
    final Tensor scale;

    public Scale(int features, double factor) {
      this.factor = factor;
      this.scale = registerParameter("scale", Tensor.ones(Tensor.DEFAULT_DTYPE, features));
    }

    @Override
    public Tensor forward(Tensor x) {
      return x.mul(scale).mul(factor);
    }
  }

  @Override
  public List<ModuleType<?>> moduleTypes() {
    return List.of(ModuleType.of("test.Scale", Scale.class,
        (s, spec, types) -> spec.set("features", s.scale.shape().dim(0)).set("factor", s.factor),
        (spec, dtype, types) -> new Scale(spec.positiveInt("features"), spec.number("factor"))));
  }
}
