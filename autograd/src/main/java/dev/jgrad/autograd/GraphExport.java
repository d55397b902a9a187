package dev.jgrad.autograd;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a tensor's recorded graph as Graphviz DOT: a box per tensor (name, dtype, shape; filled
 * when it requires grad) and an ellipse per op application, edges in data-flow direction. A
 * backward() frees the graph it ran through: export before it (or use backward(true)), since a
 * freed op shows without its inputs, marked "freed by backward()".
 *
 * <pre>{@code
 * Files.writeString(Path.of("graph.dot"), loss.toDot());   // then: dot -Tpng graph.dot
 * }</pre>
 */
public final class GraphExport {
  private GraphExport() {}

  /** The graph that produced {@code root} as DOT text, for {@code dot -Tpng}. */
  public static String toDot(Tensor root) {
    StringBuilder sb = new StringBuilder("digraph jgrad {\n  rankdir=LR;\n");
    Map<Tensor, Integer> ids = new IdentityHashMap<>();
    List<Tensor> inIdOrder = new java.util.ArrayList<>();
    // Every tensor reachable through recorded nodes, not only those requiring grad.
    List<Tensor> order = Backprop.topologicalOrder(root);
    java.util.ArrayDeque<Tensor> todo = new java.util.ArrayDeque<>(order);
    todo.add(root);
    while (!todo.isEmpty()) {
      Tensor t = todo.pop();
      if (ids.containsKey(t)) {
        continue;
      }
      int id = ids.size();
      ids.put(t, id);
      inIdOrder.add(t);
      String label = (t.name() != null ? escape(t.name()) + "\\n" : "") + t.dtype() + " "
          + t.shape() + (t.requiresGrad() ? "\\nrequires grad" : "");
      sb.append("  t").append(id).append(" [shape=box, label=\"").append(label).append('"')
          .append(t.requiresGrad() ? ", style=filled, fillcolor=lightblue" : "").append("];\n");
      if (t.creator() != null) {
        todo.addAll(t.creator().inputs());
      }
    }
    for (Tensor t : inIdOrder) {
      int id = ids.get(t);
      Node n = t.creator();
      if (n == null) {
        continue;
      }
      String attrs = n.attrs().asMap().isEmpty() ? "" : "\\n" + escape(n.attrs().toString());
      if (n.isFreed()) {
        attrs += "\\nfreed by backward()";
      }
      sb.append("  op").append(id).append(" [shape=ellipse, label=\"")
          .append(escape(n.op().name())).append(attrs).append("\"];\n");
      for (Tensor in : n.inputs()) {
        sb.append("  t").append(ids.get(in)).append(" -> op").append(id).append(";\n");
      }
      sb.append("  op").append(id).append(" -> t").append(id).append(";\n");
    }
    return sb.append("}\n").toString();
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
