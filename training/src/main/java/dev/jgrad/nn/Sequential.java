package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.StringJoiner;

/**
 * Modules applied one after the other; their parameters are named by position, {@code "0.weight"},
 * {@code "0.bias"}, {@code "2.weight"}, as in PyTorch's {@code nn.Sequential}.
 *
 * <pre>{@code
 * Random random = new Random(42);
 * Sequential net = new Sequential(
 *     new Linear(784, 100, Init.he(), random), new ReLU(), new Linear(100, 10, Init.he(), random));
 * Tensor scores = net.forward(x);   // [batch, 10]
 * }</pre>
 *
 * <p>A {@link Linear} followed by a {@link ReLU}, {@link Sigmoid} or {@link Tanh} runs as one
 * {@link Linear#forward(Tensor, dev.jgrad.api.op.FusedActivation)}: the bias and the activation
 * in one op, with the same result and gradients as the two modules one after the other. A
 * {@link ReLU} followed by a {@link MaxPool2d} runs pool first, then the ReLU: the two commute (both
 * are monotone), so the ReLU and its gradient touch only the pooled values (a quarter of them for
 * 2x2 windows), with the same results and gradients. The modules, their order and the parameter
 * names stay as given.
 *
 * <p>{@link #named} gives the modules names of their own, as PyTorch's {@code nn.Sequential} of an
 * {@code OrderedDict} does: {@code "conv.weight"}, {@code "fc1.bias"}.
 */
public final class Sequential extends Module {
  private final List<Module> layers;

  /** The modules, in order; at least one. */
  public Sequential(Module... layers) {
    this(Arrays.asList(checkNotNull(layers, "Sequential: layers is null")));
  }

  /** The modules, in order (copied); at least one, else an IllegalArgumentException. */
  public Sequential(List<? extends Module> layers) {
    this(positions(checkNotNull(layers, "Sequential: layers is null").size()), layers);
  }

  private Sequential(List<String> names, List<? extends Module> layers) {
    checkArgument(!layers.isEmpty(), "Sequential needs at least one module");
    for (int i = 0; i < layers.size(); i++) {
      checkNotNull(layers.get(i), "Sequential: module %s is null", i);
    }
    checkArgument(names.size() == layers.size(), "Sequential got %s names for %s modules; give"
        + " each module one name", names.size(), layers.size());
    this.layers = List.copyOf(layers);
    for (int i = 0; i < this.layers.size(); i++) {
      registerModule(names.get(i), this.layers.get(i));
    }
  }

  /**
   * Modules applied in the map's order, each registered under its key, so parameters are named
   * {@code key.weight}. Pass a {@link LinkedHashMap} (or a sorted map): the order is the network.
   */
  public static Sequential named(Map<String, ? extends Module> layers) {
    checkArgument(layers instanceof LinkedHashMap || layers instanceof SortedMap,
        "Sequential.named needs a map with an order (LinkedHashMap), got a %s whose order is"
            + " unspecified", layers.getClass().getSimpleName());
    return new Sequential(List.copyOf(layers.keySet()), List.copyOf(layers.values()));
  }

  /** Modules under the given names, in order; {@code names} and {@code layers} pair up. */
  public static Sequential named(List<String> names, List<? extends Module> layers) {
    return new Sequential(List.copyOf(names), layers);
  }

  private static List<String> positions(int count) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      names.add(Integer.toString(i));
    }
    return names;
  }

  @Override
  public Tensor forward(Tensor x) {
    checkNotNull(x, "Sequential.forward(null): pass the batch to compute, a tensor [batch, ...]");
    Tensor y = x;
    for (int i = 0; i < layers.size(); i++) {
      Module layer = layers.get(i);
      Module next = i + 1 < layers.size() ? layers.get(i + 1) : null;
      if (layer instanceof Linear linear && next instanceof FusesWithLinear activation) {
        y = linear.forward(y, activation.fusedActivation());
        i++; // the activation is done
      } else if (layer instanceof ReLU relu && next instanceof MaxPool2d pool) {
        y = relu.forward(pool.forward(y)); // max pooling commutes with the ReLU
        i++;
      } else {
        y = layer.forward(y);
      }
    }
    return y;
  }

  /** The modules in order. */
  public List<Module> layers() {
    return layers;
  }

  /** The modules' names in order: {@code "0", "1", ...} unless built by {@link #named}. */
  public List<String> names() {
    return List.copyOf(children().keySet());
  }

  @Override
  public String toString() {
    StringJoiner j = new StringJoiner(", ", "Sequential(", ")");
    layers.forEach(l -> j.add(l.toString()));
    return j.toString();
  }
}
