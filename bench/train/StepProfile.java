import dev.jgrad.api.*;
import dev.jgrad.autograd.*;
import java.lang.reflect.*;
import java.util.*;
/**
 * Where a training step of the 784-100-10 MLP spends its time, per backend primitive: the same
 * step as TrainThroughput.java, with the backend wrapped in a timing proxy. Random data of the
 * MNIST shape; 30 warm-up epochs of 80 steps, then 30 measured.
 *
 *   java -cp examples/mnist/target/jgrad-mnist.jar bench/train/StepProfile.java
 */
public class StepProfile {
  static Map<String, long[]> t = new TreeMap<>();
  public static void main(String[] a) throws Exception {
    Backend cpu = Backends.current();
    Backend be = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class, FusedSgd.class}, (p, m, args) -> {
      long s = System.nanoTime();
      try { return m.invoke(cpu, args); } catch (InvocationTargetException e) { throw e.getCause(); }
      finally { String k = m.getName(); if (args != null && args.length > 0 && args[0] instanceof Enum) k += "." + args[0]; long[] v = t.computeIfAbsent(k, x -> new long[2]); v[0] += System.nanoTime() - s; v[1]++; }
    });
    Random r = new Random(0);
    Tensor X = Tensor.uniform(r, 0, 1, DType.FLOAT32, 8000, 784).to(be);
    Tensor L = Tensor.indices(r.ints(8000, 0, 10).toArray(), DType.FLOAT32).to(be);
    Tensor w1 = Tensor.randn(r, 784, 100).mul(0.01).to(be).requiresGrad(true);
    Tensor b1 = Tensor.zeros(100).to(be).requiresGrad(true);
    Tensor w2 = Tensor.randn(r, 100, 10).mul(0.01).to(be).requiresGrad(true);
    Tensor b2 = Tensor.zeros(10).to(be).requiresGrad(true);
    Map<String, Tensor> ps = new LinkedHashMap<>();
    ps.put("w1", w1); ps.put("b1", b1); ps.put("w2", w2); ps.put("b2", b2);
    dev.jgrad.optim.Sgd sgd = new dev.jgrad.optim.Sgd(ps, 0.1);
    int steps = 0; long total = 0;
    for (int rep = 0; rep < 60; rep++) {
      if (rep == 30) { t.clear(); steps = 0; total = 0; }
      long s0 = System.nanoTime();
      for (int i = 0; i < 80; i++) {
        int[] idx = new int[100]; for (int j = 0; j < 100; j++) idx[j] = r.nextInt(8000);
        try (TensorScope sc = TensorScope.open()) {
          Tensor ix = Tensor.indices(idx, DType.FLOAT32).to(be);
          Tensor x = X.indexSelect(0, ix), lab = L.indexSelect(0, ix);
          Losses.softmaxCrossEntropyLabels(x.matmul(w1).add(b1).relu().matmul(w2).add(b2), lab).backward();
          sgd.step(); sgd.zeroGrad();
        }
        steps++;
      }
      total += System.nanoTime() - s0;
    }
    long sum = 0;
    for (var e : t.entrySet()) sum += e.getValue()[0];
    System.out.printf("step %.1f us, in backend %.1f us%n", total / 1e3 / steps, sum / 1e3 / steps);
    final int st = steps;
    t.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0])).forEach(e ->
      System.out.printf("%-22s %7.1f us/step %5.1f calls/step%n", e.getKey(), e.getValue()[0] / 1e3 / st, e.getValue()[1] / (double) st));
  }
}
