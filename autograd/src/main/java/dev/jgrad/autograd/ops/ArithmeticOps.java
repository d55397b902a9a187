package dev.jgrad.autograd.ops;

import static dev.jgrad.api.op.AttrKeys.EXPONENT;
import static dev.jgrad.api.op.AttrKeys.VALUE;
import static dev.jgrad.api.op.OpNames.ADD;
import static dev.jgrad.api.op.OpNames.ADD_SCALAR;
import static dev.jgrad.api.op.OpNames.COS;
import static dev.jgrad.api.op.OpNames.DIV;
import static dev.jgrad.api.op.OpNames.EQUAL;
import static dev.jgrad.api.op.OpNames.ERF;
import static dev.jgrad.api.op.OpNames.EXP;
import static dev.jgrad.api.op.OpNames.EXPM1;
import static dev.jgrad.api.op.OpNames.GREATER;
import static dev.jgrad.api.op.OpNames.LOG;
import static dev.jgrad.api.op.OpNames.LOG1P;
import static dev.jgrad.api.op.OpNames.MUL;
import static dev.jgrad.api.op.OpNames.MUL_SCALAR;
import static dev.jgrad.api.op.OpNames.NEG;
import static dev.jgrad.api.op.OpNames.POW;
import static dev.jgrad.api.op.OpNames.SIN;
import static dev.jgrad.api.op.OpNames.SQRT;
import static dev.jgrad.api.op.OpNames.SUB;
import static dev.jgrad.autograd.ops.OpSupport.SAME;
import static dev.jgrad.autograd.ops.OpSupport.broadcast;
import static dev.jgrad.autograd.ops.OpSupport.one;
import static dev.jgrad.autograd.ops.OpSupport.registerOp;
import static dev.jgrad.autograd.ops.OpSupport.sumTo;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.UnaryOp;
import dev.jgrad.api.op.Kernel;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;

/** Elementwise arithmetic: each op's forward kernel next to its gradient rule. */
public final class ArithmeticOps {
  private ArithmeticOps() {}

  /** 2/sqrt(pi), erf's slope at 0 (C's M_2_SQRTPI). */
  private static final double TWO_OVER_SQRT_PI = 1.12837916709551257390;

  static void register(OpRegistry.Registration r) {
    // d(a+b) = g, g (each summed back over broadcast axes)
    binary(r, ADD, BinaryOp.ADD, Reads.NOTHING, ctx -> Arrays.asList(
        sumTo(ctx.gradOutput(), ctx.input(0).shape()),
        sumTo(ctx.gradOutput(), ctx.input(1).shape())));
    // d(a-b) = g, -g
    binary(r, SUB, BinaryOp.SUB, Reads.NOTHING, ctx -> Arrays.asList(
        sumTo(ctx.gradOutput(), ctx.input(0).shape()),
        sumTo(ctx.gradOutput().neg(), ctx.input(1).shape())));
    // d(a*b) = g*b, g*a
    binary(r, MUL, BinaryOp.MUL, Reads.inputs(0, 1), ctx -> Arrays.asList(
        sumTo(ctx.gradOutput().mul(ctx.input(1)), ctx.input(0).shape()),
        sumTo(ctx.gradOutput().mul(ctx.input(0)), ctx.input(1).shape())));
    // d(a/b) = g/b, -g*(a/b)/b
    binary(r, DIV, BinaryOp.DIV, Reads.inputs(1).andOutput(), ctx -> Arrays.asList(
        sumTo(ctx.gradOutput().div(ctx.input(1)), ctx.input(0).shape()),
        sumTo(ctx.gradOutput().mul(ctx.output()).div(ctx.input(1)).neg(), ctx.input(1).shape())));
    compare(r, GREATER, BinaryOp.GREATER);
    compare(r, EQUAL, BinaryOp.EQUAL);

    // d(x+c) = g
    registerOp(r, OpDef.builder(ADD_SCALAR).arity(1).attributes(VALUE).shapeRule(SAME).gradientReadsNothing()
        .build(),
        scalarKernel(BinaryOp.ADD), ctx -> one(ctx.gradOutput()));
    // d(x*c) = c*g
    registerOp(r, OpDef.builder(MUL_SCALAR).arity(1).attributes(VALUE).shapeRule(SAME).gradientReadsNothing()
        .build(),
        scalarKernel(BinaryOp.MUL),
        ctx -> one(ctx.gradOutput().mul(ctx.attrs().getDouble(VALUE))));
    // d(x^p) = p * x^(p-1) * g; for p = 0 zeros, as PyTorch: 0 * x^-1 made NaN at x = 0
    registerOp(r, OpDef.builder(POW).arity(1).attributes(EXPONENT).shapeRule(SAME).gradientReadsInputs(0)
        .gradientReadsOutput(false).build(),
        c -> c.backend().scalar(BinaryOp.POW, c.input(0), c.attrs().getDouble(EXPONENT),
            c.output()),
        ctx -> {
          double p = ctx.attrs().getDouble(EXPONENT);
          Tensor x = ctx.input(0);
          if (p == 0) { // x^0 is the constant 1 (NaN, 0 and infinities too): no gradient at all
            return one(Tensor.zeros(x.dtype(), x.shape().dims()).to(x.backend()));
          }
          return one(ctx.gradOutput().mul(x.pow(p - 1)).mul(p));
        });
    // d(-x) = -g
    unary(r, NEG, UnaryOp.NEG, Reads.NOTHING, ctx -> one(ctx.gradOutput().neg()));
    // d(e^x) = e^x * g
    unary(r, EXP, UnaryOp.EXP, Reads.OUTPUT, ctx -> one(ctx.gradOutput().mul(ctx.output())));
    // d(log x) = g / x
    unary(r, LOG, UnaryOp.LOG, Reads.inputs(0), ctx -> one(ctx.gradOutput().div(ctx.input(0))));
    // d(sqrt x) = g / (2 sqrt x)
    unary(r, SQRT, UnaryOp.SQRT, Reads.OUTPUT, ctx -> one(ctx.gradOutput().div(ctx.output()).mul(0.5)));
    // d(sin x) = g cos x
    unary(r, SIN, UnaryOp.SIN, Reads.inputs(0), ctx -> one(ctx.gradOutput().mul(ctx.input(0).cos())));
    // d(cos x) = -g sin x
    unary(r, COS, UnaryOp.COS, Reads.inputs(0),
        ctx -> one(ctx.gradOutput().mul(ctx.input(0).sin()).neg()));
    // d(log1p x) = g / (1 + x), as PyTorch's log1p_backward
    unary(r, LOG1P, UnaryOp.LOG1P, Reads.inputs(0),
        ctx -> one(ctx.gradOutput().div(ctx.input(0).add(1))));
    // d(expm1 x) = g e^x; not g (expm1 x + 1) as PyTorch's, whose sum loses e^x where it is tiny
    unary(r, EXPM1, UnaryOp.EXPM1, Reads.inputs(0),
        ctx -> one(ctx.gradOutput().mul(ctx.input(0).exp())));
    // d(erf x) = g 2/sqrt(pi) e^(-x^2), as PyTorch's erf backward
    unary(r, ERF, UnaryOp.ERF, Reads.inputs(0),
        ctx -> one(ctx.gradOutput().mul(ctx.input(0).square().neg().exp().mul(TWO_OVER_SQRT_PI))));
  }

  private static void binary(OpRegistry.Registration r, String name, BinaryOp op, Reads reads,
      dev.jgrad.api.op.GradientRule<Tensor> gradient) {
    registerOp(r, reads.declare(OpDef.builder(name).arity(2).attributes().shapeRule(broadcast(name))).build(),
        binaryKernel(op), gradient);
  }

  private static void compare(OpRegistry.Registration r, String name, BinaryOp op) {
    registerOp(r, OpDef.builder(name).arity(2).attributes().shapeRule(broadcast(name)).differentiable(false)
        .build(), binaryKernel(op), null);
  }

  static void unary(OpRegistry.Registration r, String name, UnaryOp op, Reads reads,
      dev.jgrad.api.op.GradientRule<Tensor> gradient) {
    registerOp(r, reads.declare(OpDef.builder(name).arity(1).attributes().shapeRule(SAME)
        .differentiable(gradient != null)).build(), unaryKernel(op), gradient);
  }

  static Kernel unaryKernel(UnaryOp op) {
    return c -> c.backend().unary(op, c.input(0), c.output());
  }

  static Kernel binaryKernel(BinaryOp op) {
    return c -> c.backend().binary(op, c.input(0), c.inputSpec(0).shape(), c.input(1),
        c.inputSpec(1).shape(), c.output(), c.outputSpec().shape());
  }

  private static Kernel scalarKernel(BinaryOp op) {
    return c -> c.backend().scalar(op, c.input(0), c.attrs().getDouble(VALUE), c.output());
  }
}
