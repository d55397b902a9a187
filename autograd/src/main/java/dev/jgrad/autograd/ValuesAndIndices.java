package dev.jgrad.autograd;

/**
 * What {@link Tensor#sort} and {@link Tensor#topk} return, as PyTorch's named tuple: the values
 * (differentiable: the gradient goes back to the positions they came from) and their INT32
 * indices along the axis.
 */
public record ValuesAndIndices(Tensor values, Tensor indices) {}
