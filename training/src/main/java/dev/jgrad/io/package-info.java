/**
 * Reading and writing training data and model files on plain Java arrays: IDX files (MNIST,
 * Fashion-MNIST, EMNIST) with {@link dev.jgrad.io.IdxReader} and {@link dev.jgrad.io.MnistFiles},
 * safetensors checkpoints with {@link dev.jgrad.io.SafeTensors}. Every writer replaces its file
 * atomically ({@link dev.jgrad.io.AtomicFiles}); every reader validates its input and reports
 * problems as a {@link dev.jgrad.io.FileFormatException} naming the file, byte offset and fault.
 */
package dev.jgrad.io;
