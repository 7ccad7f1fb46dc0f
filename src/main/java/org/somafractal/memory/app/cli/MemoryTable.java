package org.somafractal.memory.app.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders memories as an aligned text table: coordinate, type, importance, score (for search results) and the start
 * of the memory's text. It is for people reading a terminal; scripts should read the JSON.
 */
final class MemoryTable {
  private static final int TEXT_WIDTH = 60;
  private static final List<String> TEXT_FIELDS = List.of("content", "text", "fact", "summary", "task",
      "description", "message", "title", "question", "answer");

  private MemoryTable() {
  }

  /** The table of {@code memories} (a list) or {@code memory} (one), or {@code null} when the answer has neither. */
  static String render(JsonObject answer) {
    JsonArray memories = answer.getValue("memories") instanceof JsonArray a ? a
        : answer.getValue("memory") instanceof JsonObject m ? new JsonArray().add(m) : null;
    if (memories == null) {
      return null;
    }
    boolean scored = memories.stream().anyMatch(m -> m instanceof JsonObject o && o.containsKey("score"));
    List<String[]> rows = new ArrayList<>();
    rows.add(scored ? new String[] {"COORD", "TYPE", "IMPORTANCE", "SCORE", "TEXT"}
        : new String[] {"COORD", "TYPE", "IMPORTANCE", "TEXT"});
    for (Object item : memories) {
      if (!(item instanceof JsonObject m)) {
        continue;
      }
      String coord = String.valueOf(m.getValue("coord", ""));
      String type = String.valueOf(m.getValue("memory_type", ""));
      String importance = number(m.getValue("importance"));
      String text = text(m.getJsonObject("payload"));
      rows.add(scored ? new String[] {coord, type, importance, number(m.getValue("score")), text}
          : new String[] {coord, type, importance, text});
    }
    return format(rows);
  }

  private static String format(List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int c = 0; c < columns; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] row : rows) {
      for (int c = 0; c < columns; c++) {
        boolean last = c == columns - 1;
        sb.append(last ? row[c] : String.format("%-" + widths[c] + "s  ", row[c]));
      }
      sb.append('\n');
    }
    sb.append(rows.size() - 1).append(rows.size() == 2 ? " memory" : " memories");
    return sb.toString();
  }

  private static String number(Object value) {
    if (value instanceof Number n) {
      double d = n.doubleValue();
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : String.format("%.4f", d);
    }
    return value == null ? "" : value.toString();
  }

  /** The payload's first text field, as the server indexes it; else the payload itself, on one line. */
  private static String text(JsonObject payload) {
    if (payload == null) {
      return "";
    }
    String text = null;
    for (String field : TEXT_FIELDS) {
      if (payload.getValue(field) instanceof String s && !s.isBlank()) {
        text = s;
        break;
      }
    }
    text = (text != null ? text : payload.encode()).replaceAll("\\s+", " ").trim();
    return text.length() > TEXT_WIDTH ? text.substring(0, TEXT_WIDTH - 1) + "…" : text;
  }
}
