package dev.jgrad.train;

/**
 * A model's mean loss and accuracy on a dataset.
 *
 * @param loss mean loss per sample
 * @param accuracy fraction of samples whose highest score is the target class, 0..1
 * @param samples number of samples evaluated
 */
public record Evaluation(double loss, double accuracy, int samples) {}
