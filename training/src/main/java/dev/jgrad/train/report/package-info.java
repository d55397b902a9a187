/**
 * Reporting during training: a terminal {@link dev.jgrad.train.report.ProgressBar} per epoch, the
 * per-epoch {@link dev.jgrad.train.report.MetricsHistory}, written as CSV by
 * {@link dev.jgrad.train.report.CsvReport} and drawn as a PNG by
 * {@link dev.jgrad.train.report.LossChart}.
 */
package dev.jgrad.train.report;
