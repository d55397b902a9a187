package dev.jgrad.autograd.opfuzz;

import dev.jgrad.autograd.Tensor;
import java.util.List;
import java.util.function.Function;

/**
 * One drawn case: an op with its attributes, the inputs it takes, how jgrad computes it and what
 * the reference says.
 *
 * @param describe the op and its attributes, as a failure names them
 * @param run the op through the public API
 * @param reference the same op on the inputs' exact values
 */
record FuzzCase(String describe, List<InputSpec> inputs, Function<List<Tensor>, Tensor> run,
    Function<List<Nd>, Expect> reference) {}
