package dev.jgrad.autograd;

import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.OpDef;
import java.util.List;

/** One recorded op application: which op, with which attributes, on which inputs. */
record Node(OpDef op, Attrs attrs, List<Tensor> inputs) {}
