package org.somafractal.memory.bench;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Lucene 10.6.0's HNSW graph: {@code KnnFloatVectorField} (dot product) in an in-heap {@code ByteBuffersDirectory},
 * one indexing thread, a RAM buffer large enough for one segment where it fits and no merges; searched with
 * {@code KnnFloatVectorQuery} for {@code beam} candidates, of which the best {@code k} are kept. Doc ids are the rows
 * (documents are added in order into one writer without deletes).
 */
public final class LucenePeer implements Peer {
  private final int maxConn;
  private final int beamWidth;
  private final int searchBeam;
  private ByteBuffersDirectory dir;
  private DirectoryReader reader;
  private IndexSearcher searcher;

  public LucenePeer(int maxConn, int beamWidth, int searchBeam) {
    this.maxConn = maxConn;
    this.beamWidth = beamWidth;
    this.searchBeam = searchBeam;
  }

  @Override
  public String name() {
    return "lucene-hnsw";
  }

  @Override
  public String describe() {
    return "Lucene99HnswVectorsFormat(M=" + maxConn + ", beam " + beamWidth + "), KnnFloatVectorQuery k=" + searchBeam
        + ", segments " + (reader == null ? "?" : reader.leaves().size());
  }

  @Override
  public void build(Dataset data) throws Exception {
    dir = new ByteBuffersDirectory();
    KnnVectorsFormat format = new Lucene99HnswVectorsFormat(maxConn, beamWidth);
    Codec codec = new Lucene104Codec() {
      @Override
      public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return format;
      }
    };
    IndexWriterConfig config = new IndexWriterConfig().setCodec(codec).setMergePolicy(NoMergePolicy.INSTANCE)
        .setRAMBufferSizeMB(1900).setRAMPerThreadHardLimitMB(1945);
    try (IndexWriter writer = new IndexWriter(dir, config)) {
      for (float[] v : data.vectors()) {
        Document doc = new Document();
        doc.add(new KnnFloatVectorField("v", v, VectorSimilarityFunction.DOT_PRODUCT));
        writer.addDocument(doc);
      }
      writer.commit();
    }
    reader = DirectoryReader.open(dir);
    searcher = new IndexSearcher(reader);
  }

  @Override
  public int[] search(float[] query, int k) throws Exception {
    TopDocs top = searcher.search(new KnnFloatVectorQuery("v", query, Math.max(k, searchBeam)), k);
    int[] rows = new int[top.scoreDocs.length];
    int i = 0;
    for (ScoreDoc d : top.scoreDocs) {
      rows[i++] = d.doc;
    }
    return rows;
  }

  @Override
  public void close() throws Exception {
    if (reader != null) {
      reader.close();
    }
    if (dir != null) {
      dir.close();
    }
  }

}
