package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.GradCheckOpsTest.Case;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of {@link GradCheckOpsTest} differentiated twice: the gradient rules, run recording
 * ({@link GradOptions#createGraph()}), against central differences of the first gradients. A rule
 * written in an op the engine cannot differentiate (a fused gradient op marked not
 * differentiable) shows here as a second derivative of 0 where the numbers say otherwise.
 */
class SecondOrderGradCheckTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.jgrad.autograd.GradCheckOpsTest#cases")
  void secondDerivativesAgreeWithCentralDifferences(Case c) {
    GradCheck.Result r = GradCheck.gradGradCheck(c.f(), GradCheckOpsTest.inputsOf(c));
    assertTrue(r.passed(), c + ": " + r);
  }
}
