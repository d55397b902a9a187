package dev.jgrad.cuda;

/**
 * A kernel argument passed by value as raw bytes: a C struct parameter, which PTX declares as
 * {@code .param .align A .b8 name[N]}. The bytes must be the struct's layout on the device
 * (little-endian, C alignment); {@link PtxPluginLauncher} checks only that N matches.
 */
record KernelStruct(byte[] bytes) {}
