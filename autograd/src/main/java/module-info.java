/** The autograd engine: {@code Tensor}, the dispatcher, backprop and the built-in ops. */
module dev.jgrad.autograd {
  requires transitive dev.jgrad.api;
  requires com.google.common;
  requires org.slf4j;

  exports dev.jgrad.autograd;
  // public for the training module's layers (the op classes' attribute helpers)
  exports dev.jgrad.autograd.ops;

  provides dev.jgrad.api.op.OpProvider with dev.jgrad.autograd.ops.BuiltinOps;
}
