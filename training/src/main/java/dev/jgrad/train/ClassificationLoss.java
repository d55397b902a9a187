package dev.jgrad.train;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.util.Set;

/**
 * What makes a {@link LossFunction} a classification loss: being declared one
 * ({@link LossFunction#classification}, this wrapper), or being a method reference to one of
 * {@link Losses}' classification losses, recognized from the {@link SerializedLambda} the
 * compiler gives every serializable lambda.
 */
final class ClassificationLoss implements LossFunction {
  private static final long serialVersionUID = 1L;

  /** The classification losses of {@link Losses}; a test checks that each is recognized. */
  static final Set<String> BUILTIN = Set.of("softmaxCrossEntropyLabels", "softmaxCrossEntropy",
      "crossEntropyErrorLabels", "crossEntropyError", "nllLoss", "crossEntropy");

  private static final String LOSSES = Losses.class.getName().replace('.', '/');

  private final LossFunction loss;

  ClassificationLoss(LossFunction loss) {
    this.loss = checkNotNull(loss, "loss is null");
  }

  @Override
  public Tensor compute(Tensor output, Tensor targets) {
    return loss.compute(output, targets);
  }

  @Override
  public boolean isClassification() {
    return true;
  }

  @Override
  public Tensor meanWeight(Tensor output, Tensor targets) {
    return loss.meanWeight(output, targets);
  }

  /** Whether {@code loss} is a method reference such as {@code Losses::softmaxCrossEntropy}. */
  static boolean isBuiltin(LossFunction loss) {
    SerializedLambda lambda = serializedForm(loss);
    return lambda != null && lambda.getImplMethodKind() == MethodHandleInfo.REF_invokeStatic
        && LOSSES.equals(lambda.getImplClass()) && BUILTIN.contains(lambda.getImplMethodName());
  }

  /**
   * The lambda's serialized form, or null for a class of its own (or a runtime that hides it).
   * Taken from serialization itself, which calls the lambda's private {@code writeReplace} from
   * java.base, rather than by reflection from here, which on the module path needs the package
   * that wrote the lambda opened to this module (without it, accuracy went silently unreported).
   */
  private static SerializedLambda serializedForm(LossFunction loss) {
    FormCatcher out = null;
    try {
      out = new FormCatcher();
      out.writeObject(loss);
    } catch (FormCaught caught) {
      return out.form; // caught before anything the lambda captured is written
    } catch (IOException | RuntimeException e) {
      // not a lambda (a class of its own may not even serialize)
    }
    return null;
  }

  /** Stops serialization at the first {@link SerializedLambda}, keeping it; writes nowhere. */
  private static final class FormCatcher extends ObjectOutputStream {
    SerializedLambda form;

    FormCatcher() throws IOException {
      super(OutputStream.nullOutputStream());
      enableReplaceObject(true);
    }

    @Override
    protected Object replaceObject(Object obj) {
      if (obj instanceof SerializedLambda s) {
        form = s;
        throw new FormCaught();
      }
      return obj;
    }
  }

  /** Ends a {@link FormCatcher}'s serialization once it has the form. */
  private static final class FormCaught extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FormCaught() {
      super(null, null, false, false); // control flow: no stack trace
    }
  }
}
