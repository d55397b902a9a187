package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For tests that switch between the builds of the native kernels ({@code @ExtendWith}): skips
 * the test without the native helper, and puts back the build in use after it. {@link #use}
 * switches, skipping the test on a CPU that lacks the build.
 */
final class NativeKernelVariants implements BeforeEachCallback, AfterEachCallback {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(NativeKernelVariants.class);

  @Override
  public void beforeEach(ExtensionContext context) {
    assumeTrue(NativeCpu.available(), "native kernels: " + NativeCpu.unavailableReason());
    context.getStore(NS).put("inUse", NativeCpu.kernelVariant());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    String inUse = context.getStore(NS).get("inUse", String.class);
    if (inUse != null) {
      assertNull(NativeCpu.useKernelVariant(inUse));
    }
  }

  /** Switches to {@code variant} ("avx512", "avx2", "x86-64"), or skips the test. */
  static void use(String variant) {
    String why = NativeCpu.useKernelVariant(variant);
    assumeTrue(why == null, variant + " kernels: " + why);
  }
}
