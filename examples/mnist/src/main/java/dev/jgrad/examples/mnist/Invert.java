package dev.jgrad.examples.mnist;

/**
 * {@code predict --invert}: whether an image's grey levels are turned over (255 - level) before
 * classifying. MNIST's digits are light on dark, photos of digits dark on paper; Fashion-MNIST's
 * clothes are light on dark yet often mostly light, so guessing from the image's mean is right
 * for digits only.
 */
enum Invert {
  /**
   * Invert a mostly light image (mean grey level above 127.5), unless the checkpoint says the
   * model was trained on another data set than the MNIST digits: then never.
   */
  AUTO,
  ALWAYS,
  NEVER
}
