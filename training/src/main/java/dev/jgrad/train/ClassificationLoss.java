package dev.jgrad.train;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
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
      "crossEntropyErrorLabels", "crossEntropyError");

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

  /** Whether {@code loss} is a method reference such as {@code Losses::softmaxCrossEntropy}. */
  static boolean isBuiltin(LossFunction loss) {
    SerializedLambda lambda = serializedForm(loss);
    return lambda != null && lambda.getImplMethodKind() == MethodHandleInfo.REF_invokeStatic
        && LOSSES.equals(lambda.getImplClass()) && BUILTIN.contains(lambda.getImplMethodName());
  }

  /** The lambda's serialized form, or null for a class of its own (or a runtime that hides it). */
  private static SerializedLambda serializedForm(LossFunction loss) {
    try {
      Method writeReplace = loss.getClass().getDeclaredMethod("writeReplace");
      writeReplace.setAccessible(true);
      Object form = writeReplace.invoke(loss);
      return form instanceof SerializedLambda s ? s : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // not a lambda: not one of Losses' methods
    }
  }
}
