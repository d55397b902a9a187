package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SeedsTest {
  @Test
  void nearbyCoordinatesGiveStreamsThatShareNoDraws() {
    // a seed one SplittableRandom increment further is the same stream one draw later: the
    // epochs' streams must not line up like that, nor the batches' within an epoch
    Set<Long> draws = new HashSet<>();
    int streams = 0;
    for (long seed : new long[] {0, 1, 2, 42}) {
      for (int epoch = 0; epoch < 20; epoch++) {
        streams += record(draws, Seeds.derive(seed, epoch));
        for (int batch = 0; batch < 20; batch++) {
          streams += record(draws, Seeds.derive(seed, epoch, batch));
        }
      }
    }
    assertEquals(streams * 64, draws.size(), "some streams repeat another's draws");
  }

  @Test
  void eachCoordinateAndItsPlaceMatter() {
    assertNotEquals(Seeds.derive(42, 1, 2), Seeds.derive(42, 2, 1));
    assertNotEquals(Seeds.derive(42), Seeds.derive(42, 0));
    assertNotEquals(Seeds.derive(42, 0), Seeds.derive(43, 0));
    assertEquals(Seeds.derive(42, 7, 3), Seeds.derive(42, 7, 3));
    assertEquals(new SplittableRandom(42).nextLong(), Seeds.derive(42));
  }

  private static int record(Set<Long> draws, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 64; i++) {
      draws.add(random.nextLong());
    }
    return 1;
  }
}
