import com.sun.source.doctree.DocCommentTree;
import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ModifiersTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The missing-comment half of the Javadoc gate (issue 19): fails when a public or protected
 * type, constructor, method, field or enum constant of an exported package has no doc comment.
 *
 * <p>Why not javadoc's own {@code -Xdoclint:missing}: that group also reports every missing
 * {@code @param}, {@code @return} and {@code @throws} tag (about 1,200 of them here, where the
 * prose of a comment names the arguments), and doclint cannot split the group. The javadoc
 * plugin still runs doclint's other groups (HTML, syntax, references) and fails on any warning;
 * this check only parses the sources (no class path, about a second), with javadoc's rules:
 * members of interfaces are public, an {@code @Override} method inherits its comment, a record's
 * canonical constructor is documented by the record, anonymous and local classes are not API,
 * and only packages the module-info exports are checked. (Unlike javadoc it does not ask for
 * comments on the private fields of serializable classes.)
 *
 * <p>Run by the parent pom's {@code javadoc-missing-comments} execution at {@code verify} in
 * every library module:
 *
 * <pre>java buildtools/JavadocMissingCheck.java SRC_DIR ALLOWED_FILE</pre>
 *
 * ALLOWED_FILE lists members not yet documented that the build tolerates, one key a line as this
 * check prints them ({@code dev.jgrad.x.Type#method(ParamType)}); an entry that is documented
 * now, or no longer exists, fails the check too, so the list only shrinks.
 */
public final class JavadocMissingCheck {
  private static final Pattern EXPORTS = Pattern.compile("^\\s*exports\\s+([\\w.]+)\\s*;",
      Pattern.MULTILINE);

  private JavadocMissingCheck() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: java JavadocMissingCheck.java SRC_DIR ALLOWED_FILE");
      System.exit(2);
    }
    Path src = Path.of(args[0]);
    Path allowedFile = Path.of(args[1]);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(src)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).sorted()
          .collect(Collectors.toList());
    }
    Set<String> exported = exportedPackages(src.resolve("module-info.java"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StandardJavaFileManager fm =
        javac.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
    JavacTask task = (JavacTask) javac.getTask(null, fm, null, List.of("-proc:none"), null,
        fm.getJavaFileObjectsFromPaths(files));
    DocTrees trees = DocTrees.instance(task);
    List<String[]> missing = new ArrayList<>();  // {location, key}
    Set<String> checked = new LinkedHashSet<>();  // the packages this run covers
    for (CompilationUnitTree unit : task.parse()) {
      String pkg = unit.getPackageName() == null ? "" : unit.getPackageName().toString();
      if (exported != null && !exported.contains(pkg)) {
        continue;
      }
      checked.add(pkg);
      for (Tree t : unit.getTypeDecls()) {
        if (t instanceof ClassTree) {
          ClassTree c = (ClassTree) t;
          if (c.getModifiers().getFlags().contains(Modifier.PUBLIC)) {
            checkType(trees, unit, new TreePath(new TreePath(unit), c), pkg, missing);
          }
        }
      }
    }
    Set<String> allowed = readAllowed(allowedFile);
    Set<String> found = new LinkedHashSet<>();
    int failures = 0;
    for (String[] m : missing) {
      found.add(m[1]);
      if (!allowed.contains(m[1])) {
        System.err.println(m[0] + ": no comment: " + m[1]);
        failures++;
      }
    }
    for (String a : allowed) {
      // the list serves every module; judge only the entries of the packages checked here
      if (!found.contains(a) && checked.contains(packageOf(a))) {
        System.err.println(allowedFile + ": " + a + " is documented now (or gone): remove the line");
        failures++;
      }
    }
    if (failures > 0) {
      System.err.println("Javadoc gate: " + failures + " failure(s) in " + src + ": give each"
          + " public member a comment (what it does, units, what it throws); drop stale lines");
      System.exit(1);
    }
  }

  /** A type (already known visible) and, recursively, its visible members. */
  private static void checkType(DocTrees trees, CompilationUnitTree unit, TreePath path,
      String owner, List<String[]> missing) {
    ClassTree c = (ClassTree) path.getLeaf();
    String name = owner.isEmpty() ? c.getSimpleName().toString() : owner + "." + c.getSimpleName();
    report(trees, unit, path, name, missing);
    boolean iface = c.getKind() == Tree.Kind.INTERFACE
        || c.getKind() == Tree.Kind.ANNOTATION_TYPE;
    for (Tree m : c.getMembers()) {
      TreePath mp = new TreePath(path, m);
      if (m instanceof ClassTree) {
        if (visible(((ClassTree) m).getModifiers(), iface)) {
          checkType(trees, unit, mp, name, missing);
        }
      } else if (m instanceof MethodTree) {
        MethodTree mt = (MethodTree) m;
        if (visible(mt.getModifiers(), iface) && !overrides(mt.getModifiers())
            && !isCanonicalRecordConstructor(c, mt)) {
          String params = mt.getParameters().stream().map(p -> p.getType().toString())
              .collect(Collectors.joining(","));
          String simple = mt.getName().contentEquals("<init>")
              ? c.getSimpleName().toString() : mt.getName().toString();
          report(trees, unit, mp, name + "#" + simple + "(" + params + ")", missing);
        }
      } else if (m instanceof VariableTree) {
        VariableTree v = (VariableTree) m;
        if (visible(v.getModifiers(), iface)) {
          report(trees, unit, mp, name + "#" + v.getName(), missing);
        }
      }
    }
  }

  private static boolean visible(ModifiersTree mods, boolean inInterface) {
    Set<Modifier> f = mods.getFlags();
    return f.contains(Modifier.PUBLIC) || f.contains(Modifier.PROTECTED)
        || (inInterface && !f.contains(Modifier.PRIVATE));
  }

  /** Javadoc documents a record's canonical constructor (compact or not) from the record's. */
  private static boolean isCanonicalRecordConstructor(ClassTree c, MethodTree m) {
    if (c.getKind() != Tree.Kind.RECORD || !m.getName().contentEquals("<init>")) {
      return false;
    }
    // a record's only instance fields are its components, in order
    List<String> components = c.getMembers().stream()
        .filter(t -> t instanceof VariableTree
            && !((VariableTree) t).getModifiers().getFlags().contains(Modifier.STATIC))
        .map(t -> ((VariableTree) t).getType().toString()).collect(Collectors.toList());
    List<String> params = m.getParameters().stream().map(p -> p.getType().toString())
        .collect(Collectors.toList());
    return components.equals(params);
  }

  private static boolean overrides(ModifiersTree mods) {
    for (AnnotationTree a : mods.getAnnotations()) {
      String n = a.getAnnotationType().toString();
      if (n.equals("Override") || n.equals("java.lang.Override")) {
        return true;
      }
    }
    return false;
  }

  private static void report(DocTrees trees, CompilationUnitTree unit, TreePath path, String key,
      List<String[]> missing) {
    DocCommentTree doc = trees.getDocCommentTree(path);
    if (doc == null) {
      long pos = trees.getSourcePositions().getStartPosition(unit, path.getLeaf());
      long line = unit.getLineMap().getLineNumber(pos);
      missing.add(new String[] {unit.getSourceFile().getName() + ":" + line, key});
    }
  }

  /** The packages module-info.java exports, or null (check every package) without one. */
  private static Set<String> exportedPackages(Path moduleInfo) throws IOException {
    if (!Files.exists(moduleInfo)) {
      return null;
    }
    Set<String> out = new LinkedHashSet<>();
    Matcher m = EXPORTS.matcher(Files.readString(moduleInfo));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** {@code dev.jgrad.x.Type.Nested#m()} -> {@code dev.jgrad.x}: the segments before a capital. */
  private static String packageOf(String key) {
    String type = key.split("#", 2)[0];
    StringBuilder pkg = new StringBuilder();
    for (String seg : type.split("\\.")) {
      if (!seg.isEmpty() && Character.isUpperCase(seg.charAt(0))) {
        break;
      }
      pkg.append(pkg.length() == 0 ? "" : ".").append(seg);
    }
    return pkg.toString();
  }

  private static Set<String> readAllowed(Path file) throws IOException {
    Set<String> out = new LinkedHashSet<>();
    for (String line : Files.readAllLines(file)) {
      String s = line.strip();
      if (!s.isEmpty() && !s.startsWith("#")) {
        out.add(s);
      }
    }
    return out;
  }
}
