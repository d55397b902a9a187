package dev.jgrad.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * The numeric device address of a {@link CUdeviceptr} (its allocation plus byte offset), for
 * pointers written into a struct argument ({@link KernelStruct}). JCuda keeps both parts
 * protected, so this reads them through a copy of the pointer.
 */
final class DeviceAddress extends CUdeviceptr {
  private DeviceAddress(CUdeviceptr pointer) {
    super(pointer);
  }

  /** The address {@code pointer} denotes on the device. */
  static long of(CUdeviceptr pointer) {
    DeviceAddress copy = new DeviceAddress(pointer);
    return copy.getNativePointer() + copy.getByteOffset();
  }
}
