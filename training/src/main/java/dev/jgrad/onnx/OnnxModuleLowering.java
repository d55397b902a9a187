package dev.jgrad.onnx;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.nn.Module;
import java.lang.reflect.Modifier;

/**
 * A module class and its {@link OnnxLowering}, as an {@link OnnxModuleLoweringProvider} ships
 * them; typed, so the lowering takes the class it is given for.
 *
 * @param <M> the module class
 */
public final class OnnxModuleLowering<M extends Module> {
  private final Class<M> moduleClass;
  private final OnnxLowering<? super M> lowering;

  private OnnxModuleLowering(Class<M> moduleClass, OnnxLowering<? super M> lowering) {
    this.moduleClass = moduleClass;
    this.lowering = lowering;
  }

  /**
   * The lowering of the modules whose class is exactly {@code moduleClass} (as
   * {@link OnnxExporter.Builder#lower}: a subclass may compute something else).
   */
  public static <M extends Module> OnnxModuleLowering<M> of(Class<M> moduleClass,
      OnnxLowering<? super M> lowering) {
    check("OnnxModuleLowering.of", moduleClass, lowering);
    return new OnnxModuleLowering<>(moduleClass, lowering);
  }

  /**
   * Fails, in {@code who}'s name, unless {@code moduleClass} and {@code lowering} are given and
   * the class is concrete (here and in {@link OnnxExporter.Builder#lower}).
   */
  static void check(String who, Class<?> moduleClass, OnnxLowering<?> lowering) {
    checkNotNull(moduleClass, "%s: the module class is null", who);
    checkNotNull(lowering, "%s: the lowering for %s is null", who, moduleClass.getName());
    checkArgument(!Modifier.isAbstract(moduleClass.getModifiers()), "%s: %s is abstract, and"
        + " lowerings match a module's exact class; give one for each concrete class", who,
        moduleClass.getName());
  }

  /** The module class it lowers. */
  public Class<M> moduleClass() {
    return moduleClass;
  }

  /** The lowering. */
  public OnnxLowering<? super M> lowering() {
    return lowering;
  }

  @Override
  public String toString() {
    return "OnnxModuleLowering(" + moduleClass.getName() + ")";
  }
}
