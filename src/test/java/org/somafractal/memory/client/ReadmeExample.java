package org.somafractal.memory.client;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.somafractal.memory.client.NewMemory;
import org.somafractal.memory.client.SomaMemory;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.Ranked;

/** Stores, recalls and forgets memories in process: no HTTP server, no other service. */
public class ReadmeExample {
  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    // In memory, with the bundled embedding model; add "SOMA_DATA_DIR" for a durable SQLite store.
    SomaMemory memory = SomaMemory.start(vertx, Map.of()).await();
    SomaMemory ana = memory.forTenant("ana");

    ana.store(NewMemory.of(new JsonObject().put("content", "The user prefers green tea in the morning"))
        .at("1,2,3").type(MemoryType.SEMANTIC).importance(2)).await();
    ana.store(NewMemory.of(new JsonObject().put("content", "The deploy failed because the disk was full"))).await();

    for (Ranked hit : ana.search("what does the user like to drink?", 1).await()) {
      System.out.println(hit.memory().key() + " " + hit.memory().payload().getString("content"));
    }
    System.out.println(ana.get("1,2,3").await().isPresent());    // true
    System.out.println(memory.get("1,2,3").await().isPresent()); // false: the default tenant has nothing there
    System.out.println(ana.delete("1,2,3").await());             // true

    memory.close().await();
    vertx.close().await();
  }
}
