package dev.jgrad.autograd.opfuzz;

import dev.jgrad.api.DType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A differential fuzz test of the public Tensor API on the CPU backend. From fixed seeds, random
 * cases of each op family, with inputs as views of random kinds (permutes and transposes,
 * strided slices with offsets, expands, squeezes, reshapes, chains of them, and dense tensors),
 * shapes with empty, size-1 and odd axes and sizes across the backend's fast-path thresholds,
 * FLOAT32 and FLOAT64 in turn. Each case is compared in value and gradient with a naive
 * double-precision reference ({@link Harness}, {@link Check}) and run again for the same bits;
 * inputs an op must refuse must fail with a clear one-line error ({@link BadInputCases}); and
 * the same cases with NaN and infinities must agree across the CPU's kernels and the portable
 * ones ({@link KernelAgreement}).
 *
 * <p>A failure names the family, the op and its attributes, each input's shape, dtype, layout
 * and the views that made it, and the seed. To rerun one case, call e.g.
 * {@code Harness.check("matmul", MatmulCases::matmul, DType.FLOAT32, seed)}.
 */
class OpFuzzTest {
  /** Runs one case of a family from its seed, throwing AssertionError when it fails. */
  @FunctionalInterface
  private interface Checker {
    void check(String family, Harness.Generator gen, DType dtype, long seed);
  }

  /** A family of cases and how many to run. */
  private record Family(String name, Harness.Generator gen, int cases) {}

  @Test
  void unaryAndScalarOps() {
    fuzz(new Family("unary", ElementwiseCases::unary, 120));
  }

  @Test
  void conversionsBetweenFloatDtypes() {
    fuzz(new Family("convert", ElementwiseCases::convert, 20));
  }

  @Test
  void broadcastBinaryOps() {
    fuzz(new Family("binary", ElementwiseCases::binary, 100));
  }

  @Test
  void binaryOpsOfATensorWithItself() {
    fuzz(new Family("self", ElementwiseCases::self, 40));
  }

  @Test
  void where() {
    fuzz(new Family("where", ElementwiseCases::where, 40));
  }

  @Test
  void reductionsOverAxes() {
    fuzz(new Family("reduce", ReductionCases::reduce, 100));
  }

  @Test
  void argmaxAndArgmin() {
    fuzz(new Family("argmax", ReductionCases::argmax, 40));
  }

  @Test
  void softmaxLogSoftmaxLogSumExp() {
    fuzz(new Family("softmax", ReductionCases::softmax, 60));
  }

  @Test
  void varianceAndStandardDeviation() {
    fuzz(new Family("variance", ReductionCases::variance, 40));
  }

  @Test
  void matrixProducts() {
    fuzz(new Family("matmul", MatmulCases::matmul, 80));
  }

  @Test
  void productsOfATensorWithItself() {
    fuzz(new Family("selfMatmul", MatmulCases::self, 40));
  }

  @Test
  void convolutionsAndTheirGradientOps() {
    fuzz(new Family("conv", ConvPoolCases::conv, 80));
  }

  @Test
  void poolingAndItsGradientOps() {
    fuzz(new Family("pool", ConvPoolCases::pool, 80));
  }

  @Test
  void losses() {
    fuzz(new Family("loss", LossCases::loss, 100));
  }

  @Test
  void fusedBiasActivation() {
    fuzz(new Family("biasActivation", LossCases::biasActivation, 40));
  }

  @Test
  void indexSelect() {
    fuzz(new Family("indexSelect", IndexCases::indexSelect, 40));
  }

  @Test
  void gatherAndScatterAdd() {
    fuzz(new Family("gatherScatter", IndexCases::gatherScatter, 40));
  }

  @Test
  void oneHot() {
    fuzz(new Family("oneHot", IndexCases::oneHot, 20));
  }

  @Test
  void concatAndStack() {
    fuzz(new Family("join", IndexCases::join, 40));
  }

  @Test
  void conversionsOfStoredData() {
    fuzz(new Family("convertStored", IndexCases::convertStored, 30));
  }

  @Test
  void inPlaceChangesOfBuffersWithCachedState() {
    fuzz(new Family("inPlace", InPlaceCases::draw, 40));
  }

  @Test
  void badInputsAreRefusedClearly() {
    fuzz(new Family("badInput", BadInputCases::draw, 120));
  }

  @Test
  void nonFiniteValuesAgreeAcrossKernels() {
    int cases = 16;
    run(KernelAgreement::check, 7_000_000L, List.of(
        new Family("unary", ElementwiseCases::unary, cases),
        new Family("binary", ElementwiseCases::binary, cases),
        new Family("self", ElementwiseCases::self, cases),
        new Family("where", ElementwiseCases::where, cases),
        new Family("convert", ElementwiseCases::convert, cases),
        new Family("reduce", ReductionCases::reduce, cases),
        new Family("argmax", ReductionCases::argmax, cases),
        new Family("softmax", ReductionCases::softmax, cases),
        new Family("variance", ReductionCases::variance, cases),
        new Family("matmul", MatmulCases::matmul, cases),
        new Family("selfMatmul", MatmulCases::self, cases),
        new Family("conv", ConvPoolCases::conv, cases),
        new Family("pool", ConvPoolCases::pool, cases),
        new Family("loss", LossCases::loss, cases),
        new Family("biasActivation", LossCases::biasActivation, cases),
        new Family("indexSelect", IndexCases::indexSelect, cases),
        new Family("gatherScatter", IndexCases::gatherScatter, cases),
        new Family("join", IndexCases::join, cases)));
  }

  private static void fuzz(Family family) {
    run(Harness::check, 0, List.of(family));
  }

  /**
   * Runs each family's cases with {@code checker}, alternating FLOAT32 and FLOAT64, each from
   * its own fixed seed (from {@code base}, the family's name and the case's number); fails
   * listing the first few that failed and how many did.
   */
  private static void run(Checker checker, long base, List<Family> families) {
    List<String> failures = new ArrayList<>();
    int total = 0;
    for (Family f : families) {
      for (int i = 0; i < f.cases(); i++, total++) {
        DType dtype = i % 2 == 0 ? DType.FLOAT32 : DType.FLOAT64;
        long seed = base + 1000L * Math.floorMod(f.name().hashCode(), 1_000_000) + i;
        try {
          checker.check(f.name(), f.gen(), dtype, seed);
        } catch (AssertionError e) {
          failures.add(e.getMessage());
        }
      }
    }
    if (!failures.isEmpty()) {
      throw new AssertionError(failures.size() + " of " + total + " cases failed; the first:\n"
          + String.join("\n\n", failures.subList(0, Math.min(4, failures.size()))));
    }
  }
}
