package org.somafractal.memory.bench;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * langchain4j's {@code InMemoryEmbeddingStore} (langchain4j 1.19.0 on langchain4j-core 1.20.0, the core of the
 * bundled embedding models): what a Java user would otherwise pick. Ids are the row numbers.
 */
public final class Langchain4jPeer implements Peer {
  private InMemoryEmbeddingStore<TextSegment> store;

  @Override
  public String name() {
    return "langchain4j-inmemory";
  }

  @Override
  public String describe() {
    return "InMemoryEmbeddingStore, full scan, cosine";
  }

  @Override
  public void build(Dataset data) {
    store = new InMemoryEmbeddingStore<>();
    List<String> ids = new ArrayList<>(data.size());
    List<Embedding> embeddings = new ArrayList<>(data.size());
    float[][] vectors = data.vectors();
    for (int i = 0; i < vectors.length; i++) {
      ids.add(Integer.toString(i));
      embeddings.add(Embedding.from(vectors[i].clone()));
    }
    store.addAll(ids, embeddings, Collections.nCopies(ids.size(), null));
  }

  @Override
  public int[] search(float[] query, int k) {
    List<EmbeddingMatch<TextSegment>> matches = store.search(EmbeddingSearchRequest.builder()
        .queryEmbedding(Embedding.from(query)).maxResults(k).build()).matches();
    int[] rows = new int[matches.size()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = Integer.parseInt(matches.get(i).embeddingId());
    }
    return rows;
  }
}
