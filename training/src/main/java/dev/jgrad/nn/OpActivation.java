package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.op.Attrs;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;

/**
 * An activation computed by a registered op (for example a plugin's {@code swish::swish}), so
 * models can use ops that jgrad itself does not ship. Weights get {@link Init#he()}.
 */
public final class OpActivation implements HiddenActivation {
  private final String op;
  private final Attrs attrs;

  /** The op {@code op} (a qualified name, {@code namespace::op}) with no attributes. */
  public OpActivation(String op) {
    this(op, Attrs.empty());
  }

  /** The op {@code op} called with {@code attrs} (say, a plugin's slope). */
  public OpActivation(String op, Attrs attrs) {
    checkNotNull(op, "op is null; pass a registered op name such as swish::swish");
    int sep = op.indexOf("::");
    checkArgument(sep > 0 && sep + 2 < op.length(), "op '%s' is not a qualified name "
        + "namespace::op (e.g. swish::swish)", op);
    this.op = op;
    this.attrs = checkNotNull(attrs, "attrs is null; pass Attrs.empty()");
  }

  /** The qualified name of the op. */
  public String op() {
    return op;
  }

  @Override
  public Module newModule() {
    return new Layer(op, attrs);
  }

  /**
   * The module computing {@code Ops.call(op, attrs, x)}; a model description names the op and its
   * attributes, so a saved model using a plugin's activation rebuilds where the plugin's jar is.
   */
  public static final class Layer extends Module {
    private final String op;
    private final Attrs attrs;

    /** The layer applying the registered op {@code op} with {@code attrs} to its input. */
    public Layer(String op, Attrs attrs) {
      this.op = checkNotNull(op, "op is null; pass a registered op name such as swish::swish");
      this.attrs = checkNotNull(attrs, "attrs is null; pass Attrs.empty()");
    }

    @Override
    public Tensor forward(Tensor x) {
      return Ops.call(op, attrs, x);
    }

    /** The op's registered name, such as {@code swish::swish}. */
    public String op() {
      return op;
    }

    /** The op's attributes (empty for most activations). */
    public Attrs attrs() {
      return attrs;
    }

    @Override
    public String toString() {
      return op;
    }
  }

  @Override
  public Init recommendedInit() {
    return Init.he();
  }

  /** "swish" for the op swish::swish (what --activation accepts), else the qualified name. */
  @Override
  public String cliName() {
    String namespace = op.substring(0, op.indexOf("::"));
    return op.equals(namespace + "::" + namespace) ? namespace : op;
  }

  @Override
  public String toString() {
    return op;
  }
}
