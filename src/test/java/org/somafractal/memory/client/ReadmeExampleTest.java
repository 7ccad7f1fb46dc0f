package org.somafractal.memory.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's Java example is {@link ReadmeExample}, verbatim, and it runs and prints what the README says. */
class ReadmeExampleTest {
  private static final String START = "<!-- readme-example:start -->\n```java\n";
  private static final String END = "```\n<!-- readme-example:end -->";

  @Test
  void readmeShowsTheExampleClassVerbatim() throws Exception {
    String source = Files.readString(Path.of("src/test/java/org/somafractal/memory/client/ReadmeExample.java"));
    String body = source.substring(source.indexOf("import "));
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf(START);
    int end = readme.indexOf(END);
    assertThat(start).as("README marker " + START.trim()).isNotNegative();
    assertThat(end).as("README marker " + END.trim()).isGreaterThan(start);
    assertThat(readme.substring(start + START.length(), end)).isEqualTo(body);
  }

  @Test
  void exampleRunsAndPrintsTheRecalledMemory() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      ReadmeExample.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
        "1.0,2.0,3.0 The user prefers green tea in the morning", "true", "false", "true");
  }
}
