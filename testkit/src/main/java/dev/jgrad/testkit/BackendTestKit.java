package dev.jgrad.testkit;

import dev.jgrad.api.Backend;
import dev.jgrad.api.FusedSgd;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The conformance suite of the {@link Backend} primitives: tells a backend author whether a
 * backend computes what the contract says, in FLOAT32 and FLOAT64, and moves INT32 indices and
 * UINT8 data exactly. Checks, against reference
 * loops in double precision on the values the dtype stores:
 * <ol>
 *   <li>memory: upload and download first, every dtype (every other check reads its results
 *       with download), then allocate, close (twice is harmless) and fill; that close gives the
 *       memory back, where the backend reports it ({@link dev.jgrad.api.MemoryAccounting};
 *       skipped otherwise);
 *   <li>data movement: copy (overlapping too), copyAxisRange, copyStrided, transpose;
 *   <li>elementwise: every {@link dev.jgrad.api.UnaryOp} and {@link dev.jgrad.api.BinaryOp},
 *       binary with broadcasting (scalars, rank differences, empty tensors) and scalar, each in
 *       place too;
 *   <li>matmul and matmulBatched (operands shared by stride 0 too) in all four transpose
 *       combinations, with k = 0 and empty products; reduce, every
 *       {@link dev.jgrad.api.ReduceOp}, over many {@code [outer, axis, inner]} views; indexSelect,
 *       indexAdd (repeated indices accumulate) and oneHot; {@link FusedSgd#sgdUpdate} and
 *       {@link dev.jgrad.api.FusedAdam#adamUpdate} where the backend implements them (skipped
 *       otherwise), and their batches ({@code sgdUpdateAll}, {@code adamUpdateAll},
 *       {@code adamwUpdateAll}) bit for bit against the single update of each entry;
 *   <li>INT32: uploads, downloads, fills, copies and gathers exact over the int range,
 *       {@code convert} between all dtypes as Java's casts, INT32 indices and argmax output;
 *   <li>UINT8 (stored pixels): every byte value read back unsigned, fills of 0..255, copies,
 *       strided views and gathers exact, conversions to UINT8 as the low 8 bits of the cast;
 *   <li>special values: NaN, the infinities, signed zeros and subnormals, with the NaN rules of
 *       MAXIMUM, MINIMUM, RELU, STEP, MAX and ARGMAX and the signs of elementwise zeros;
 *   <li>rejections: the contract's bad calls of every primitive throw its exception with its
 *       message prefix {@code "<primitive> on the <backend> backend: "} and write nothing; bad
 *       index values may be reported at the next {@link Backend#synchronize()} by an
 *       asynchronous backend.
 * </ol>
 * Tolerances, relative to {@code 1 + |expected|}: 1e-5 (FLOAT32) and 1e-12 (FLOAT64)
 * elementwise, four times that for index adds; 1e-4 and 1e-10 for reductions and matrix
 * products; data movement, MAX, ARGMAX and gathers exact. The kit needs no test framework:
 *
 * <pre>{@code
 * @Test
 * void conforms() {
 *   BackendTestKit.of(new MyBackend()).run().assertPassed();
 * }
 * }</pre>
 */
public final class BackendTestKit {
  private final Backend backend;
  private long seed = 1234;
  private Predicate<String> names = name -> true;

  private BackendTestKit(Backend backend) {
    this.backend = Objects.requireNonNull(backend, "backend is null");
  }

  /** A kit for {@code backend}; nothing runs until {@link #run()}. */
  public static BackendTestKit of(Backend backend) {
    return new BackendTestKit(backend);
  }

  /** The seed of the random inputs (default 1234); each check draws its own. */
  public BackendTestKit seed(long seed) {
    this.seed = seed;
    return this;
  }

  /**
   * Runs only the checks whose names {@code names} accepts, e.g. {@code n -> n.contains("matmul")}
   * while working on a backend's matrix product; the others are neither run nor reported.
   */
  public BackendTestKit only(Predicate<String> names) {
    this.names = Objects.requireNonNull(names, "names is null");
    return this;
  }

  /** Runs every check and reports; call {@link BackendTestReport#assertPassed()} in a test. */
  public BackendTestReport run() {
    CheckRunner r = new CheckRunner(backend, seed, names);
    // every check reads its results with download: a broken one is reported as itself first
    MemoryChecks.addRoundTripsTo(r);
    Int32Checks.addRoundTripTo(r);
    Uint8Checks.addRoundTripTo(r);
    MemoryChecks.addTo(r);
    LayoutChecks.addTo(r);
    ElementwiseChecks.addTo(r);
    MatmulChecks.addTo(r);
    ReduceChecks.addTo(r);
    IndexChecks.addTo(r);
    Int32Checks.addTo(r);
    Uint8Checks.addTo(r);
    SgdChecks.addTo(r);
    ProductSgdChecks.addTo(r);
    AdamChecks.addTo(r);
    SpecialValueChecks.addTo(r);
    RejectionChecks.addTo(r);
    BadIndexChecks.addTo(r);
    return new BackendTestReport(backend.name(), r.results());
  }
}
