package org.somafractal.memory.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void countsLinesAndBytesAndEndsTheLineWhenRequested() throws Exception {
    StringWriter err = new StringWriter();
    Progress progress = new Progress(new PrintWriter(err, true), true, "exported");
    byte[] ndjson = "{\"a\":1}\n{\"b\":2}\n".getBytes(StandardCharsets.UTF_8);
    try (InputStream in = progress.count(new ByteArrayInputStream(ndjson))) {
      assertThat(in.read()).isEqualTo('{');
      in.readAllBytes();
    }
    progress.finish();
    assertThat(progress.lines()).isEqualTo(2);
    assertThat(progress.bytes()).isEqualTo(16);
    assertThat(err.toString()).startsWith("\rexported ").endsWith("\rexported 2 lines, 16 B" + System.lineSeparator());
  }
}
