package dev.jgrad.api.op;

import dev.jgrad.api.UnaryOp;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The activations {@value OpNames#BIAS_ACTIVATION} fuses, as its {@value AttrKeys#ACTIVATION}
 * attribute names them. Only activations whose derivative follows from their output are offered,
 * so the gradient needs the saved output and nothing of {@code x + bias}.
 *
 * <p>The one parser of the attribute: autograd and every backend's kernel read it through
 * {@link #of(Attrs)}, so a name cannot mean one thing to one backend and fail on another.
 */
public enum FusedActivation {
  /** The bias alone. */
  IDENTITY(null),
  /** {@code max(z, 0)}. */
  RELU(UnaryOp.RELU),
  /** {@code 1 / (1 + e ^ -z)}. */
  SIGMOID(UnaryOp.SIGMOID),
  /** {@code tanh(z)}. */
  TANH(UnaryOp.TANH);

  /** Every constant, for the lookup by name without copying {@code values()} each call. */
  private static final List<FusedActivation> ALL = List.of(values());

  private final UnaryOp unaryOp;
  private final String attrValue;

  FusedActivation(UnaryOp unaryOp) {
    this.unaryOp = unaryOp;
    this.attrValue = name().toLowerCase(Locale.ROOT);
  }

  /** The attribute value: the lower-case name, e.g. {@code "relu"}. */
  public String attrValue() {
    return attrValue;
  }

  /** The elementwise primitive applied after the bias is added; null for {@link #IDENTITY}. */
  public UnaryOp unaryOp() {
    return unaryOp;
  }

  /**
   * The activation an attribute value names; an unknown one fails naming the op, the value and
   * the choices. Runs in every kernel call and gradient: a loop over the constants, not a lookup
   * by upper-cased name (that was about 1% of a CPU training step); the choices are listed only
   * on failure.
   */
  public static FusedActivation parse(String value) {
    for (FusedActivation a : ALL) {
      if (a.attrValue.equals(value)) {
        return a;
      }
    }
    throw new IllegalArgumentException(OpNames.BIAS_ACTIVATION + ": unknown activation '" + value
        + "'; it fuses " + choices());
  }

  /** The activation an op call's {@value AttrKeys#ACTIVATION} attribute names; see parse. */
  public static FusedActivation of(Attrs attrs) {
    if (!attrs.has(AttrKeys.ACTIVATION)) {
      throw new IllegalArgumentException(OpNames.BIAS_ACTIVATION + ": missing attribute '"
          + AttrKeys.ACTIVATION + "'; give one of " + choices());
    }
    return parse(attrs.getString(AttrKeys.ACTIVATION));
  }

  private static String choices() {
    return ALL.stream().map(FusedActivation::attrValue).collect(Collectors.joining(", "));
  }
}
