package dev.jgrad.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * jgrad-bom has no parent (so that importing it brings only jgrad's versions), so nothing keeps
 * it in step with the build by itself: every library module must be in it, at the parent's
 * version.
 */
class BomTest {
  /** The reactor's modules that are applications or the BOM itself, not library artifacts. */
  private static final Set<String> NOT_LIBRARIES = Set.of("examples", "bom");

  private static Path root() {
    // the tests run in examples/mnist
    Path root = Path.of("").toAbsolutePath().getParent().getParent();
    assertTrue(Files.isRegularFile(root.resolve("bom/pom.xml")), "no bom/pom.xml under " + root);
    return root;
  }

  private static Document parse(Path pom) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
  }

  /** The text of the direct child {@code name} of {@code parent}. */
  private static String child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e.getTextContent().trim();
      }
    }
    throw new AssertionError("no <" + name + "> in <" + parent.getTagName() + ">");
  }

  private static List<Element> elements(Document d, String tag) {
    List<Element> list = new ArrayList<>();
    var nodes = d.getElementsByTagName(tag);
    for (int i = 0; i < nodes.getLength(); i++) {
      list.add((Element) nodes.item(i));
    }
    return list;
  }

  @Test
  void theBomManagesEveryLibraryModuleAtTheParentsVersion() throws Exception {
    Path root = root();
    Document parent = parse(root.resolve("pom.xml"));
    String version = child(parent.getDocumentElement(), "version");
    Set<String> libraries = new TreeSet<>();
    for (Element module : elements(parent, "module")) {
      String dir = module.getTextContent().trim();
      if (!NOT_LIBRARIES.contains(dir)) {
        libraries.add(child(parse(root.resolve(dir).resolve("pom.xml")).getDocumentElement(),
            "artifactId"));
      }
    }
    assertTrue(libraries.contains("jgrad-api") && libraries.size() >= 6, libraries.toString());

    Document bom = parse(root.resolve("bom/pom.xml"));
    assertEquals(version, child(bom.getDocumentElement(), "version"),
        "bom/pom.xml's version must equal jgrad-parent's");
    Set<String> managed = new TreeSet<>();
    for (Element dependency : elements(bom, "dependency")) {
      managed.add(child(dependency, "artifactId"));
      assertEquals("${project.version}", child(dependency, "version"), child(dependency,
          "artifactId"));
    }
    assertEquals(libraries, managed, "bom/pom.xml must manage exactly the library modules");
  }
}
