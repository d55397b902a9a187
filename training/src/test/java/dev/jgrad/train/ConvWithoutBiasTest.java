package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.SafeTensor;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.SafeTensorsFile;
import dev.jgrad.nn.BatchNorm2d;
import dev.jgrad.nn.BatchNormOptions;
import dev.jgrad.nn.Conv2d;
import dev.jgrad.nn.Sequential;
import dev.jgrad.onnx.OnnxExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ResNet's conv + BN pattern from PyTorch: {@code Conv2d(3, 4, 3, padding=1, bias=False)} then
 * {@code BatchNorm2d(4, eps=1e-3)}, whose state_dict has no {@code 0.bias}; it loads into a
 * {@link Conv2d} built without a bias and a {@link BatchNorm2d} with eps 1e-3, and evaluates as
 * torch 2.13 did (torch/conv_nobias_bn.py wrote both files).
 */
class ConvWithoutBiasTest {
  private static Path fixture(String name) throws Exception {
    return Path.of(ConvWithoutBiasTest.class.getResource("torch/" + name).toURI());
  }

  private static Sequential net() {
    return new Sequential(new Conv2d(3, 4, 3, 1, 1, false, new Random(1)),
        new BatchNorm2d(4, BatchNormOptions.defaults().eps(1e-3)));
  }

  @Test
  void aTorchStateDictWithoutConvBiasLoadsAndEvaluatesAsTorch() throws Exception {
    Sequential m = net();
    TorchStateDict.load(fixture("conv_nobias_bn.safetensors"), m);
    SafeTensorsFile io = SafeTensors.read(fixture("conv_nobias_bn_io.safetensors"));
    SafeTensor x = io.get("x");
    float[] y;
    try (NoGrad ng = NoGrad.scope()) {
      y = m.eval().forward(Tensor.of(x.toFloatArray(), x.shape().dims())).toFloatArray();
    }
    assertArrayEquals(io.get("y").toFloatArray(), y, 2e-5f);
    assertNull(((Conv2d) m.namedModules().get("0")).bias());
    assertTrue(m.namedParameters().containsKey("0.weight")
        && !m.namedParameters().containsKey("0.bias"), m.namedParameters().keySet().toString());
  }

  @Test
  void itSavesReloadsAndExportsWithoutABias(@TempDir Path dir) throws Exception {
    Sequential m = net();
    Path file = dir.resolve("m.safetensors");
    Model.save(file, m);
    Sequential back = (Sequential) Model.load(file);
    assertEquals(m.toString(), back.toString());
    assertTrue(back.toString().contains("no bias"), back.toString());
    assertArrayEquals(new Conv2d(3, 4, 3, 1, 1, new Random(1)).weight().toFloatArray(),
        ((Conv2d) m.namedModules().get("0")).weight().toFloatArray(),
        "the same weight draws as with a bias");
    Path onnx = dir.resolve("m.onnx");
    OnnxExporter.export(m, new int[] {3, 5, 5}, onnx);
    assertTrue(Files.size(onnx) > 0);
  }
}
