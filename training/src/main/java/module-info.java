/** The training stack on the engine: layers, optimizers, data, file formats and the trainer. */
module dev.jgrad.training {
  requires transitive dev.jgrad.autograd;
  requires com.google.common;
  requires org.slf4j;
  // the safetensors header is read with jackson-core's streaming parser
  requires com.fasterxml.jackson.core;
  // the loss chart (ChartListener, LossChart): AWT images written with ImageIO
  requires java.desktop;

  exports dev.jgrad.data;
  exports dev.jgrad.io;
  exports dev.jgrad.nn;
  exports dev.jgrad.onnx;
  exports dev.jgrad.optim;
  exports dev.jgrad.optim.schedule;
  exports dev.jgrad.train;
  exports dev.jgrad.train.report;

  // model descriptions: layer types of jgrad's own and of plugin jars (Model.load rebuilds them)
  uses dev.jgrad.nn.ModuleTypeProvider;
  // ONNX lowerings that plugin jars ship for their ops (OnnxExporter finds them by op name)
  uses dev.jgrad.onnx.OnnxModuleLoweringProvider;
  uses dev.jgrad.onnx.OnnxOpLoweringProvider;
  provides dev.jgrad.nn.ModuleTypeProvider with dev.jgrad.nn.BuiltinModuleTypes;
}
