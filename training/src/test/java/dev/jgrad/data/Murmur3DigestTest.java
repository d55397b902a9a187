package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.LabeledImages;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Guava's murmur3_128, which made every fingerprint so far, is the reference. */
class Murmur3DigestTest {
  @Test
  void givesGuavasValueForEveryAlignmentAndTail() {
    Random random = new Random(7);
    for (int chars = 0; chars < 10; chars++) { // 2 bytes each: every offset the floats start at
      for (int floats = 0; floats < 40; floats++) { // every tail length, and whole blocks
        for (int ints = 0; ints < 3; ints++) {
          String text = "abcdefghij\u00e9\u4e2d".substring(0, Math.min(chars, 12));
          float[] values = new float[floats];
          for (int i = 0; i < floats; i++) {
            values[i] = i % 7 == 3 ? Float.intBitsToFloat(0x7fc00001) // a NaN payload, kept raw
                : (float) random.nextGaussian();
          }
          int[] labels = random.ints(ints, -5, 5).toArray();
          Murmur3Digest ours = new Murmur3Digest();
          Hasher guava = Hashing.murmur3_128().newHasher();
          ours.putChars(text);
          guava.putUnencodedChars(text);
          ours.putFloats(values);
          for (float v : values) {
            guava.putInt(Float.floatToRawIntBits(v));
          }
          for (int label : labels) {
            ours.putInt(label);
            guava.putInt(label);
          }
          assertEquals(guava.hash().toString(), ours.hex(),
              chars + " chars, " + floats + " floats, " + ints + " ints");
        }
      }
    }
  }

  @Test
  void floatsGivenInPiecesHashAsGivenWhole() {
    float[] all = new float[1001];
    for (int i = 0; i < all.length; i++) {
      all[i] = i * 0.25f - 3;
    }
    Murmur3Digest whole = new Murmur3Digest();
    Murmur3Digest pieces = new Murmur3Digest();
    whole.putChars("x");
    pieces.putChars("x");
    whole.putFloats(all);
    for (int from = 0; from < all.length; from += 333) {
      pieces.putFloats(java.util.Arrays.copyOfRange(all, from, Math.min(all.length, from + 333)));
    }
    assertEquals(whole.hex(), pieces.hex());
  }

  @Test
  void aDatasetsFingerprintIsTheValueGuavasHasherGaveOverTheWholeArray() {
    // 400 images: 313,600 grey levels, more than one read of fingerprint() (2^18 values). The
    // reference is how fingerprint() computed it before (f2d212a): checkpoints written then keep
    // the value for a resumed run's check of its held-out set
    int n = 400;
    float[] images = new float[n * 784];
    int[] labels = new int[n];
    Random random = new Random(3);
    for (int i = 0; i < images.length; i++) {
      images[i] = random.nextInt(256) / 255f;
    }
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextInt(10);
    }
    Dataset data = Dataset.ofImages(new LabeledImages(images, labels, 28, 28, 10));
    assertEquals(guavaOverTheWholeArray(data), data.fingerprint());
    Dataset regression = Dataset.of(Tensor.of(new float[] {1, 2, 3}, 3, 1),
        Tensor.of(new float[] {0.5f, 1, 2}, 3));
    assertEquals(guavaOverTheWholeArray(regression), regression.fingerprint());
  }

  private static String guavaOverTheWholeArray(Dataset data) {
    String described = data.toString(); // "... inputs SPEC (GREY LEVELS), targets SPEC)"
    String before = "inputs " + data.inputs().spec();
    String after = ", targets " + data.targets().spec() + ")";
    String middle = described.substring(described.indexOf(before) + before.length(),
        described.length() - after.length());
    // images' levels are digested in the words of the first fingerprints, whatever toString says
    assertTrue(middle.isEmpty() || middle.equals(" (UINT8 pixel levels, UNIT)"), middle);
    String greyLevels = middle.isEmpty() ? "null" : "UINT8 grey levels, UNIT";
    Hasher guava = Hashing.murmur3_128().newHasher();
    guava.putUnencodedChars(data.inputs().spec() + "|" + data.targets().spec() + "|"
        + greyLevels);
    for (float v : data.inputs().toFloatArray()) {
      guava.putFloat(v);
    }
    if (data.targets().dtype() == dev.jgrad.api.DType.INT32) {
      for (int label : data.targets().toIntArray()) {
        guava.putInt(label);
      }
    } else {
      for (float v : data.targets().toFloatArray()) {
        guava.putFloat(v);
      }
    }
    return guava.hash().toString();
  }
}
