package dev.jgrad.testkit;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.Shape;
import dev.jgrad.api.op.OpDef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Input shape sets one dimension away from an op's valid ones, which its shape rule must reject
 * unless the author declared them valid: a rule that reads input 0 alone takes {@code [3, 4]}
 * with {@code [3, 5]}, and the kernel then reads past the second input or computes garbage.
 */
final class DerivedShapes {
  private boolean broadcasts;
  private final List<int[][]> alsoValid = new ArrayList<>();
  private final List<Predicate<int[][]>> alsoValidWhere = new ArrayList<>();

  void broadcasts() {
    broadcasts = true;
  }

  void alsoValid(int[][] shapesOfEachInput) {
    checkArgument(shapesOfEachInput.length > 0, "alsoValidShapes: give one shape per input");
    alsoValid.add(shapesOfEachInput);
  }

  void alsoValidWhere(Predicate<int[][]> meantToTake) {
    alsoValidWhere.add(checkNotNull(meantToTake, "alsoValidWhere: the predicate is null"));
  }

  /**
   * For each valid set with two or more float inputs, each float input's each dimension changed
   * alone, to one more and to 1 where it was above 1; less the valid sets and those declared
   * valid, each once, in order.
   */
  List<int[][]> from(List<int[][]> valid, OpDef def) {
    return derive(valid, def).stream().filter(set -> !meant(set)).toList();
  }

  /**
   * The sets declared valid that the valid ones do not already hold, each once: those given to
   * {@link OpTestKit#alsoValidShapes}, then the derived sets the declarations take. The kit
   * computes the op on them as on the valid sets, so a wrong broadcasting path fails it.
   */
  List<int[][]> declaredValid(List<int[][]> valid, OpDef def) {
    Map<String, int[][]> out = new LinkedHashMap<>();
    alsoValid.forEach(set -> add(out, set));
    derive(valid, def).stream().filter(this::meant).forEach(set -> add(out, set));
    return out.values().stream().filter(set -> !contains(valid, set)).toList();
  }

  private static List<int[][]> derive(List<int[][]> valid, OpDef def) {
    Map<String, int[][]> derived = new LinkedHashMap<>();
    for (int[][] set : valid) {
      List<Integer> floats = new ArrayList<>();
      for (int i = 0; i < set.length; i++) {
        if (!def.isIndexInput(i)) {
          floats.add(i);
        }
      }
      if (floats.size() < 2) {
        continue; // one float input has nothing to be compared with
      }
      for (int i : floats) {
        for (int d = 0; d < set[i].length; d++) {
          add(derived, changed(set, i, d, set[i][d] + 1));
          if (set[i][d] > 1) {
            add(derived, changed(set, i, d, 1));
          }
        }
      }
    }
    return derived.values().stream().filter(set -> !contains(valid, set)).toList();
  }

  private static boolean contains(List<int[][]> sets, int[][] set) {
    return sets.stream().anyMatch(v -> Arrays.deepEquals(v, set));
  }

  private static void add(Map<String, int[][]> derived, int[][] set) {
    derived.putIfAbsent(Arrays.deepToString(set), set);
  }

  private static int[][] changed(int[][] set, int input, int axis, int value) {
    int[][] copy = set.clone();
    copy[input] = set[input].clone();
    copy[input][axis] = value;
    return copy;
  }

  /** Whether the author declared {@code set} valid, or it broadcasts for an op that does. */
  private boolean meant(int[][] set) {
    return broadcasts && broadcastTogether(set)
        || contains(alsoValid, set)
        || alsoValidWhere.stream().anyMatch(p -> p.test(set));
  }

  /** NumPy's rule ({@link Shape#broadcast}) over all the inputs. */
  private static boolean broadcastTogether(int[][] set) {
    try {
      Shape all = Shape.of(set[0]);
      for (int[] s : set) {
        all = Shape.broadcast(all, Shape.of(s), "OpTestKit");
      }
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** "[3, 4] and [3, 5]", "[2], [2] and [3]": how the failure names a set. */
  static String listed(int[][] set) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < set.length; i++) {
      sb.append(i == 0 ? "" : i == set.length - 1 ? " and " : ", ").append(Arrays.toString(set[i]));
    }
    return sb.toString();
  }
}
