package dev.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Mlp's options for the book's MultiLayerNetExtend: BatchNorm and Dropout per hidden layer. */
class MlpTest {
  @Test
  void batchNormAndDropoutGoWhereTheBookPutsThem() {
    Sequential net = Mlp.builder().input(6).hidden(5, 4).output(3).batchNorm(true).dropout(0.2)
        .seed(3).build();
    List<Class<?>> kinds = net.layers().stream().<Class<?>>map(Object::getClass).toList();
    assertEquals(List.of(Linear.class, BatchNorm1d.class, ReLU.class, Dropout.class,
        Linear.class, BatchNorm1d.class, ReLU.class, Dropout.class, Linear.class), kinds);
    assertEquals(0.2, ((Dropout) net.layers().get(3)).p());
    // the Dropout seeds come from the network's Random, after each layer's weights
    Random random = new Random(3);
    Linear first = new Linear(6, 5, Init.he(), random);
    assertArrayEquals(first.weight().toFloatArray(),
        ((Linear) net.layers().get(0)).weight().toFloatArray());
    assertEquals(random.nextLong(), ((Dropout) net.layers().get(3)).seed());
  }

  @Test
  void withoutThemTheNetworkIsTheSameAsBefore() {
    Sequential plain = Mlp.builder().input(6).hidden(5).output(3).seed(3).build();
    Sequential off = Mlp.builder().input(6).hidden(5).output(3).batchNorm(false).dropout(0)
        .seed(3).build();
    assertEquals(3, off.layers().size());
    plain.namedParameters().forEach((name, p) -> assertArrayEquals(p.toFloatArray(),
        off.namedParameters().get(name).toFloatArray(), name));
  }

  @Test
  void aDropoutProbabilityOutsideZeroToOneIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Mlp.builder().dropout(1.0));
    assertEquals("Mlp.Builder.dropout: drop probability p must be in [0, 1), got 1.0; p = 0 keeps"
        + " everything, and p = 1 would drop everything (remove the layer instead)",
        e.getMessage());
  }
}
