package org.somafractal.memory.lexical;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.WordlistLoader;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.UnicodeUtil;
import org.somafractal.memory.core.Hit;
import org.somafractal.memory.core.IndexBatch;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryFilter;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.MetadataTerms;
import org.somafractal.memory.core.Removal;
import org.somafractal.memory.core.Tombstones;

/**
 * The lexical index: BM25 over each memory's text in one in-memory Lucene index shared by all tenants, with the
 * tenant, type, creation-time and metadata filters evaluated inside the Lucene query, so a filtered search returns
 * {@code k} hits whenever {@code k} matching documents contain a query term.
 *
 * <p>The index is derived data, rebuilt from the canonical store at start, so it lives in a
 * {@link ByteBuffersDirectory} and is never committed. Changes are guarded by the store's commit seq: an upsert or
 * removal older than what the engine holds for that memory is ignored, and recent removals are remembered as
 * {@link Tombstones} so an older upsert that arrives after a newer delete does not bring the memory back. A memory
 * whose text is blank is not indexed.
 *
 * <p>Text is analysed with Lucene's {@link EnglishAnalyzer} (Unicode word segmentation, possessive removal, lower
 * casing, Lucene's 33 English stop words, Porter stemming): agents mostly write English prose, where stemming lets
 * "running" find "runs". Queries are analysed the same way but drop the Snowball project's longer English list
 * ({@link #STOP_WORDS}: pronouns, auxiliaries, question words and contractions as well), because memories are mostly
 * first-person conversation and queries are questions: "What did I tell you about my sister?" should match on
 * "tell" and "sister", not on "what", "did", "I" and "my", which are in nearly every memory (on LoCoMo, with the BM25
 * parameters below, this lifted lexical recall@5 from 0.525 to 0.582). The index keeps those words, so a query made
 * only of them ("what did you do?", a keyword search for "down") still searches them. Text in other languages is
 * still segmented and lower-cased, only not stemmed. Scores are Lucene's {@link BM25Similarity} with the
 * {@code k1} and {@code b} given (see {@code SOMA_BM25_K1}, {@code SOMA_BM25_B}); collection statistics (document
 * frequencies, average length) span all tenants, so a score is only meaningful for ranking within one search.
 *
 * <p>A search sees every change applied before it: writes only mark the searcher stale, and the next search reopens
 * it once, so a burst of writes costs one near-real-time refresh.
 *
 * <p>Not thread-safe: one owner (the lexical worker verticle) calls it, one call at a time, with a happens-before
 * edge between calls as a Vert.x context provides. Lucene's own merge threads run in the background and need no
 * coordination from the owner.
 */
public final class LuceneLexicalEngine implements AutoCloseable {
  /** BM25's term-frequency saturation by default, as {@code SOMA_BM25_K1}'s. */
  public static final float DEFAULT_K1 = 0.9f;
  /** BM25's length normalisation by default, as {@code SOMA_BM25_B}'s. */
  public static final float DEFAULT_B = 0.4f;
  /** The Snowball project's English stop words, as Lucene ships them. */
  public static final CharArraySet STOP_WORDS = snowballStopWords();

  /** At most this many distinct analysed terms of a query are searched; the rest of the query is ignored. */
  public static final int MAX_QUERY_TERMS = 64;

  private static final String ID = "id";
  private static final String TENANT = "tenant";
  private static final String TYPE = "type";
  private static final String CREATED = "created";
  private static final String META = "meta";
  private static final String TEXT = "text";

  private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
  /** Indexes every word but Lucene's 33 English stop words, so a query of nothing but common words can still match. */
  private final Analyzer analyzer = new EnglishAnalyzer();
  /** Analyses queries: the same chain with the Snowball stop words. */
  private final Analyzer queryAnalyzer = new EnglishAnalyzer(STOP_WORDS);
  private final BM25Similarity similarity;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final Tombstones tombstones;
  private final Map<String, Held> held = new HashMap<>();
  private final Map<String, Long> counts = new HashMap<>();
  private boolean stale;

  /** What the engine holds for one memory id; kept for blank-text memories too, so their seq still guards. */
  private record Held(String tenant, long seq, boolean indexed) {
  }

  /**
   * Creates an empty engine with the default BM25 parameters.
   *
   * @param tombstoneRetentionMs how long a removal keeps blocking older upserts of the same id
   */
  public LuceneLexicalEngine(long tombstoneRetentionMs) {
    this(tombstoneRetentionMs, DEFAULT_K1, DEFAULT_B);
  }

  /**
   * Creates an empty engine with these BM25 parameters.
   *
   * @param tombstoneRetentionMs how long a removal keeps blocking older upserts of the same id
   * @param k1 term-frequency saturation, at least 0
   * @param b length normalisation, in [0, 1]
   */
  public LuceneLexicalEngine(long tombstoneRetentionMs, float k1, float b) {
    this.similarity = new BM25Similarity(k1, b);
    this.tombstones = new Tombstones(tombstoneRetentionMs);
    IndexWriterConfig config = new IndexWriterConfig(analyzer)
        .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
        .setSimilarity(similarity)
        .setCommitOnClose(false);
    try {
      this.writer = new IndexWriter(directory, config);
      this.searchers = new SearcherManager(writer, true, false, new SearcherFactory() {
        @Override
        public IndexSearcher newSearcher(IndexReader reader, IndexReader previousReader) {
          IndexSearcher searcher = new IndexSearcher(reader);
          searcher.setSimilarity(similarity);
          return searcher;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static CharArraySet snowballStopWords() {
    try (Reader list = IOUtils.getDecodingReader(SnowballFilter.class.getResourceAsStream("english_stop.txt"),
        StandardCharsets.UTF_8)) {
      return CharArraySet.unmodifiableSet(WordlistLoader.getSnowballWordSet(list));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Applies committed upserts, then removals, each only when newer than what the engine holds for its id. */
  public void apply(IndexBatch batch) {
    try {
      for (Memory memory : batch.upserts()) {
        upsert(memory);
      }
      if (!batch.removals().isEmpty()) {
        long now = System.currentTimeMillis();
        for (Removal removal : batch.removals()) {
          remove(removal, now);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void upsert(Memory memory) throws IOException {
    String id = memory.id();
    Held previous = held.get(id);
    if (previous != null && memory.seq() <= previous.seq()) {
      return;
    }
    if (tombstones.blocks(id, memory.seq())) {
      return;
    }
    String text = memory.text();
    boolean indexable = text != null && !text.isBlank();
    if (indexable) {
      // Every indexed document has an entry in held, so an unknown id needs no delete-by-term; skipping it keeps a
      // rebuild from buffering one delete per document that every flush would then have to resolve.
      if (previous != null && previous.indexed()) {
        writer.updateDocument(new Term(ID, id), document(memory));
      } else {
        writer.addDocument(document(memory));
      }
      stale = true;
    } else if (previous != null && previous.indexed()) {
      writer.deleteDocuments(new Term(ID, id));
      stale = true;
    }
    if (previous != null && previous.indexed()) {
      decrement(previous.tenant());
    }
    if (indexable) {
      counts.merge(memory.tenant(), 1L, Long::sum);
    }
    held.put(id, new Held(memory.tenant(), memory.seq(), indexable));
  }

  private void remove(Removal removal, long now) throws IOException {
    String id = removal.id();
    Held previous = held.get(id);
    if (previous != null && removal.seq() < previous.seq()) {
      return;
    }
    tombstones.record(id, removal.seq(), now);
    if (previous == null) {
      return;
    }
    held.remove(id);
    if (previous.indexed()) {
      writer.deleteDocuments(new Term(ID, id));
      decrement(previous.tenant());
      stale = true;
    }
  }

  private void decrement(String tenant) {
    counts.computeIfPresent(tenant, (t, n) -> n == 1L ? null : n - 1L);
  }

  private static Document document(Memory memory) {
    Document doc = new Document();
    // The id is indexed for update and delete by term, and read back from doc values rather than stored fields:
    // decompressing a stored-fields block per hit was the largest single cost in a profiled search.
    doc.add(new StringField(ID, memory.id(), Field.Store.NO));
    doc.add(new BinaryDocValuesField(ID, new BytesRef(memory.id())));
    doc.add(new StringField(TENANT, memory.tenant(), Field.Store.NO));
    doc.add(new StringField(TYPE, memory.type().name(), Field.Store.NO));
    // LongField indexes points and doc values, so a range filter can either lead or verify, whichever is cheaper.
    doc.add(new LongField(CREATED, memory.createdAt(), Field.Store.NO));
    for (String term : MetadataTerms.of(memory.metadata())) {
      // Lucene rejects a whole document holding a term longer than it can index; such a value cannot be filtered on.
      if (indexableTerm(term)) {
        doc.add(new StringField(META, term, Field.Store.NO));
      }
    }
    doc.add(new TextField(TEXT, memory.text(), Field.Store.NO));
    return doc;
  }

  private static boolean indexableTerm(String term) {
    return term.length() * 3 <= IndexWriter.MAX_TERM_LENGTH
        || UnicodeUtil.calcUTF16toUTF8Length(term, 0, term.length()) <= IndexWriter.MAX_TERM_LENGTH;
  }

  /**
   * The {@code k} best BM25 matches of {@code query} among the tenant's documents that pass {@code filter}, best
   * first. The query is plain text, never Lucene syntax: it is analysed like the indexed text and its distinct terms
   * (at most {@value #MAX_QUERY_TERMS}) are OR-ed. Empty when {@code k <= 0} or the query has no indexable term.
   */
  public List<Hit> search(String tenant, String query, int k, MemoryFilter filter) {
    if (k <= 0 || tenant == null || query == null || query.isBlank()) {
      return List.of();
    }
    long live = count(tenant);
    if (live == 0) {
      return List.of();
    }
    try {
      Query terms = termsQuery(query);
      if (terms == null) {
        return List.of();
      }
      Query full = withFilters(terms, tenant, filter == null ? MemoryFilter.NONE : filter);
      if (stale) {
        searchers.maybeRefreshBlocking();
        stale = false;
      }
      IndexSearcher searcher = searchers.acquire();
      try {
        TopDocs top = searcher.search(full, (int) Math.min(k, live));
        if (top.scoreDocs.length == 0) {
          return List.of();
        }
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        List<Hit> hits = new ArrayList<>(top.scoreDocs.length);
        for (ScoreDoc sd : top.scoreDocs) {
          hits.add(new Hit(idOf(leaves, sd.doc), sd.score));
        }
        return hits;
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String idOf(List<LeafReaderContext> leaves, int doc) throws IOException {
    LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
    BinaryDocValues ids = leaf.reader().getBinaryDocValues(ID);
    if (ids == null || !ids.advanceExact(doc - leaf.docBase)) {
      throw new IllegalStateException("lexical document " + doc + " has no id");
    }
    return ids.binaryValue().utf8ToString();
  }

  /**
   * The query's distinct terms OR-ed: its words but the Snowball stop words, or, when it has no other word ("what did
   * you do?", a keyword search for "down"), its words but Lucene's few, as they were indexed.
   */
  private Query termsQuery(String query) throws IOException {
    Set<String> terms = terms(queryAnalyzer, query);
    if (terms.isEmpty()) {
      terms = terms(analyzer, query);
    }
    if (terms.isEmpty()) {
      return null;
    }
    BooleanQuery.Builder any = new BooleanQuery.Builder();
    for (String term : terms) {
      any.add(new TermQuery(new Term(TEXT, term)), Occur.SHOULD);
    }
    return any.build();
  }

  private static Set<String> terms(Analyzer analyzer, String query) throws IOException {
    Set<String> terms = new LinkedHashSet<>();
    try (TokenStream stream = analyzer.tokenStream(TEXT, query)) {
      CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
      stream.reset();
      while (terms.size() < MAX_QUERY_TERMS && stream.incrementToken()) {
        terms.add(term.toString());
      }
      stream.end();
    }
    return terms;
  }

  private static Query withFilters(Query terms, String tenant, MemoryFilter filter) {
    BooleanQuery.Builder query = new BooleanQuery.Builder()
        .add(terms, Occur.MUST)
        .add(new TermQuery(new Term(TENANT, tenant)), Occur.FILTER);
    Set<MemoryType> types = filter.types();
    if (types != null) {
      query.add(anyOf(TYPE, types.stream().map(MemoryType::name).toArray(String[]::new)), Occur.FILTER);
    }
    if (filter.createdFrom() != Long.MIN_VALUE || filter.createdTo() != Long.MAX_VALUE) {
      query.add(LongField.newRangeQuery(CREATED, filter.createdFrom(), filter.createdTo()), Occur.FILTER);
    }
    for (String[] alternatives : filter.conditions()) {
      query.add(anyOf(META, alternatives), Occur.FILTER);
    }
    return query.build();
  }

  /**
   * Matches documents holding at least one of {@code values} in {@code field}. A single value is a term query; more
   * become a {@link TermInSetQuery}, which counts as one clause, because a filter may carry
   * {@value MemoryFilter#MAX_CONDITIONS} conditions of {@value MemoryFilter#MAX_ALTERNATIVES} alternatives, more leaf
   * clauses than {@link IndexSearcher#getMaxClauseCount()} allows in nested boolean queries.
   */
  private static Query anyOf(String field, String[] values) {
    if (values.length == 1) {
      return new TermQuery(new Term(field, values[0]));
    }
    List<BytesRef> terms = new ArrayList<>(values.length);
    for (String value : values) {
      terms.add(new BytesRef(value));
    }
    return new TermInSetQuery(field, terms);
  }

  /** The number of the tenant's memories in the index (those with non-blank text). */
  public long count(String tenant) {
    Long n = counts.get(tenant);
    return n == null ? 0L : n;
  }

  /** Releases the index; the engine cannot be used afterwards. */
  @Override
  public void close() {
    try {
      searchers.close();
      writer.rollback();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      analyzer.close();
      queryAnalyzer.close();
    }
  }
}
