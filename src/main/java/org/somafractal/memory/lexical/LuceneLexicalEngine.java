package org.somafractal.memory.lexical;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.CombinedFieldQuery;
import org.apache.lucene.search.DocIdSetIterator;
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
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.UnicodeUtil;
import org.somafractal.memory.core.Coordinate;
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
 * <p>With a context weight w &gt; 0 ({@code SOMA_LEXICAL_CONTEXT_WEIGHT}) each document also holds, in a second field,
 * the text of its sequence neighbours (the memories at its coordinate with the last axis -1 and +1, as
 * {@link Coordinate#sequenceNeighborKeys}: a conversation's previous and next turn), and a query term scores by
 * BM25F (Robertson, Zaragoza and Taylor, CIKM 2004; Lucene's {@link CombinedFieldQuery}): its frequency in the
 * neighbours counts w times its frequency in the memory itself, within one saturation and one length norm. A reply
 * such as "they give me the strength to keep going" then matches "what does her family give her?" through the turn
 * that asked about family, while a memory holding the words itself still ranks above one whose neighbours do (on
 * LoCoMo, w = 0.25 lifted hybrid recall@5 from 0.593 to 0.630). A neighbour's change, move or removal re-indexes the
 * memories beside it in the same batch, so a deleted memory's words stop matching its neighbours with the delete.
 * To rebuild those documents the engine stores the fields it indexes (text, type, creation time, metadata terms)
 * in the index, and holds each memory's coordinate.
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
  /** The text of the sequence neighbours, when the context weight is positive. */
  private static final String CONTEXT = "context";
  /** Sources of recently written memories kept in memory, with context (see {@link #recent}). */
  private static final int RECENT_SOURCES = 4096;

  private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
  /** Indexes every word but Lucene's 33 English stop words, so a query of nothing but common words can still match. */
  private final Analyzer analyzer = new EnglishAnalyzer();
  /** Analyses queries: the same chain with the Snowball stop words. */
  private final Analyzer queryAnalyzer = new EnglishAnalyzer(STOP_WORDS);
  private final BM25Similarity similarity;
  /** The neighbours' share of a term's frequency, 0 = no context field. */
  private final float contextWeight;
  /** With context: the indexed memory at each tenant's coordinate key ({@link #slot}), by id. */
  private final Map<String, String> idBySlot = new HashMap<>();
  /**
   * With context: the sources of the memories written most recently, by id, current with every change. A turn stored
   * on its own finds the turn before it here, as a rule, instead of reading it back from the index, which would
   * first need a near-real-time refresh per store (in a test, 2,000 consecutive single stores took 2.65 s that way
   * against 0.32 s without context).
   */
  private final Map<String, Source> recent = new LinkedHashMap<>(RECENT_SOURCES, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Source> eldest) {
      return size() > RECENT_SOURCES;
    }
  };
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final Tombstones tombstones;
  private final Map<String, Held> held = new HashMap<>();
  private final Map<String, Long> counts = new HashMap<>();
  private boolean stale;

  /**
   * What the engine holds for one memory id; kept for blank-text memories too, so their seq still guards. The
   * coordinate is held only with context, for the memories beside it.
   */
  private record Held(String tenant, long seq, boolean indexed, Coordinate coordinate) {
  }

  /** The indexed fields of one memory, from the memory or read back from the index to re-index it with new context. */
  private record Source(String id, String tenant, Coordinate coordinate, String type, long createdAt,
      String[] metadataTerms, String text) {
    static Source of(Memory m) {
      return new Source(m.id(), m.tenant(), m.coordinate(), m.type().name(), m.createdAt(),
          MetadataTerms.of(m.metadata()), m.text());
    }
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
    this(tombstoneRetentionMs, k1, b, 0f);
  }

  /**
   * Creates an empty engine with these BM25 parameters and this weight of the sequence neighbours' text.
   *
   * @param tombstoneRetentionMs how long a removal keeps blocking older upserts of the same id
   * @param k1 term-frequency saturation, at least 0
   * @param b length normalisation, in [0, 1]
   * @param contextWeight how much a term in a neighbour counts against the same term in the memory, in [0, 1]; 0 =
   *     no context field
   */
  public LuceneLexicalEngine(long tombstoneRetentionMs, float k1, float b, float contextWeight) {
    if (!(contextWeight >= 0f && contextWeight <= 1f)) {
      throw new IllegalArgumentException("context weight must be in [0, 1]: " + contextWeight);
    }
    this.contextWeight = contextWeight;
    // CombinedFieldQuery takes field weights of at least 1, so the memory's own text weighs 1/w and the context 1:
    // every frequency and length is then 1/w times that of BM25F with weights (1, w), and a saturation of k1/w gives
    // the same tf / (tf + k1 × norm) as k1 there.
    this.similarity = new BM25Similarity(contextWeight > 0 ? k1 / contextWeight : k1, b);
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
      if (contextWeight > 0) {
        applyWithContext(batch);
        return;
      }
      for (Memory memory : batch.upserts()) {
        upsert(memory, null);
      }
      removeAll(batch, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void removeAll(IndexBatch batch, Batch context) throws IOException {
    if (!batch.removals().isEmpty()) {
      long now = System.currentTimeMillis();
      for (Removal removal : batch.removals()) {
        remove(removal, now, context);
      }
    }
  }

  /**
   * One batch with context: upserts and removals update the engine's state first, and every document to write (the
   * batch's own memories and the indexed memories beside a changed slot) is written once, at the end, with its
   * neighbours as they stand after the whole batch, so order within the batch does not matter and a run of
   * consecutive turns costs one write each. Memories of this batch come from {@link Batch#written}; older ones are
   * read back from a searcher opened the first time one is needed (a batch whose memories have no indexed neighbour,
   * such as stores at unrelated coordinates, opens none, and writes keep costing no refresh).
   */
  private void applyWithContext(IndexBatch batch) throws IOException {
    Batch context = new Batch();
    try {
      for (Memory memory : batch.upserts()) {
        upsert(memory, context);
      }
      removeAll(batch, context);
      for (String id : context.toWrite) {
        Held h = held.get(id);
        Source source = h != null && h.indexed() ? source(context, id) : null;
        if (source == null) {
          continue;
        }
        if (context.added.contains(id)) {
          writer.addDocument(document(source, context));
        } else {
          writer.updateDocument(new Term(ID, id), document(source, context));
        }
        stale = true;
      }
    } finally {
      if (context.searcher != null) {
        searchers.release(context.searcher);
      }
    }
  }

  /** The state of one batch with context. */
  private static final class Batch {
    /** Opened on the first read of a memory not written in this batch, then kept for the batch. */
    IndexSearcher searcher;
    /** The current sources met in this batch, by id: those upserted in it (newer than the searcher's) or read back. */
    final Map<String, Source> written = new HashMap<>();
    /** Ids whose document is written at the end: the batch's indexed memories and those beside a changed slot. */
    final Set<String> toWrite = new LinkedHashSet<>();
    /** Ids of {@link #toWrite} with no document in the index before this batch (added, not updated). */
    final Set<String> added = new HashSet<>();
  }

  /** The batch's searcher, opened (and refreshed, when writes are pending) on first use. */
  private IndexSearcher searcher(Batch context) throws IOException {
    if (context.searcher == null) {
      if (stale) {
        // Writes of this batch become visible too; they are read from Batch.written instead, which is newer.
        searchers.maybeRefreshBlocking();
        stale = false;
      }
      context.searcher = searchers.acquire();
    }
    return context.searcher;
  }

  private static String slot(String tenant, String key) {
    return tenant + '\u0000' + key;
  }

  /** Marks the indexed memories beside {@code coordinate} to be written again. */
  private void touchNeighbours(String tenant, Coordinate coordinate, Batch context) {
    for (String key : coordinate.sequenceNeighborKeys()) {
      String id = idBySlot.get(slot(tenant, key));
      if (id != null) {
        context.toWrite.add(id);
      }
    }
  }

  /** Frees the memory's slot, if it still holds it, and marks its neighbours. */
  private void leaveSlot(String id, Held previous, Batch context) {
    if (previous != null && previous.indexed() && previous.coordinate() != null) {
      idBySlot.remove(slot(previous.tenant(), previous.coordinate().key()), id);
      touchNeighbours(previous.tenant(), previous.coordinate(), context);
    }
  }

  private void upsert(Memory memory, Batch context) throws IOException {
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
    if (context != null) {
      boolean sameSlot = indexable && previous != null && previous.indexed() && previous.coordinate() != null
          && previous.tenant().equals(memory.tenant()) && previous.coordinate().key().equals(memory.key());
      if (!sameSlot) {
        leaveSlot(id, previous, context);
      }
      if (indexable) {
        // The neighbours hold this memory's text, which may have changed; at one key, the last memory holds the slot.
        idBySlot.put(slot(memory.tenant(), memory.key()), id);
        touchNeighbours(memory.tenant(), memory.coordinate(), context);
      }
      boolean inIndex = previous != null && previous.indexed() && !context.added.contains(id);
      if (indexable) {
        Source source = Source.of(memory);
        context.written.put(id, source);
        recent.put(id, source);
        context.toWrite.add(id);
        if (!inIndex) {
          context.added.add(id);
        }
      } else {
        forget(id, inIndex, context);
      }
    } else if (indexable) {
      // Every indexed document has an entry in held, so an unknown id needs no delete-by-term; skipping it keeps a
      // rebuild from buffering one delete per document that every flush would then have to resolve.
      if (previous != null && previous.indexed()) {
        writer.updateDocument(new Term(ID, id), document(Source.of(memory), null));
      } else {
        writer.addDocument(document(Source.of(memory), null));
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
    held.put(id, new Held(memory.tenant(), memory.seq(), indexable, context == null ? null : memory.coordinate()));
  }

  private void remove(Removal removal, long now, Batch context) throws IOException {
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
    if (context != null) {
      leaveSlot(id, previous, context);
      if (previous.indexed()) {
        forget(id, !context.added.contains(id), context);
      }
    } else if (previous.indexed()) {
      writer.deleteDocuments(new Term(ID, id));
      stale = true;
    }
    if (previous.indexed()) {
      decrement(previous.tenant());
    }
  }

  /** Drops a memory's document from the batch's writes, and from the index when it is there already. */
  private void forget(String id, boolean inIndex, Batch context) throws IOException {
    context.written.remove(id);
    recent.remove(id);
    context.toWrite.remove(id);
    context.added.remove(id);
    if (inIndex) {
      writer.deleteDocuments(new Term(ID, id));
      stale = true;
    }
  }

  private void decrement(String tenant) {
    counts.computeIfPresent(tenant, (t, n) -> n == 1L ? null : n - 1L);
  }

  /** The document of {@code source}; with a batch (context on), its fields stored and its neighbours' text added. */
  private Document document(Source source, Batch context) throws IOException {
    Field.Store store = context == null ? Field.Store.NO : Field.Store.YES;
    Document doc = new Document();
    // The id is indexed for update and delete by term, and read back from doc values rather than stored fields:
    // decompressing a stored-fields block per hit was the largest single cost in a profiled search.
    doc.add(new StringField(ID, source.id(), Field.Store.NO));
    doc.add(new BinaryDocValuesField(ID, new BytesRef(source.id())));
    doc.add(new StringField(TENANT, source.tenant(), Field.Store.NO));
    doc.add(new StringField(TYPE, source.type(), store));
    // LongField indexes points and doc values, so a range filter can either lead or verify, whichever is cheaper.
    doc.add(new LongField(CREATED, source.createdAt(), store));
    for (String term : source.metadataTerms()) {
      // Lucene rejects a whole document holding a term longer than it can index; such a value cannot be filtered on.
      if (indexableTerm(term)) {
        doc.add(new StringField(META, term, store));
      }
    }
    doc.add(new TextField(TEXT, source.text(), store));
    if (context != null) {
      for (String key : source.coordinate().sequenceNeighborKeys()) {
        String id = idBySlot.get(slot(source.tenant(), key));
        Source neighbour = id == null ? null : source(context, id);
        if (neighbour != null) {
          // Both neighbours are values of one field: one frequency and one length norm for the context.
          doc.add(new TextField(CONTEXT, neighbour.text(), Field.Store.NO));
        }
      }
    }
    return doc;
  }

  /** The current source of an indexed memory: from this batch, from the recent ones, or read back from the index. */
  private Source source(Batch context, String id) throws IOException {
    Source written = context.written.get(id);
    if (written == null) {
      written = recent.get(id);
    }
    if (written != null) {
      return written;
    }
    Held h = held.get(id);
    if (h == null || !h.indexed()) {
      return null;
    }
    Term term = new Term(ID, id);
    for (LeafReaderContext leaf : searcher(context).getIndexReader().leaves()) {
      PostingsEnum postings = leaf.reader().postings(term, PostingsEnum.NONE);
      if (postings == null) {
        continue;
      }
      Bits live = leaf.reader().getLiveDocs();
      for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
        if (live == null || live.get(doc)) {
          Document stored = leaf.reader().storedFields().document(doc);
          Number created = stored.getField(CREATED).numericValue();
          Source source = new Source(id, h.tenant(), h.coordinate(), stored.get(TYPE), created.longValue(),
              stored.getValues(META), stored.get(TEXT));
          context.written.put(id, source);
          return source;
        }
      }
    }
    return null;
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
      any.add(contextWeight > 0
          ? new CombinedFieldQuery.Builder(term).addField(TEXT, 1f / contextWeight).addField(CONTEXT, 1f).build()
          : new TermQuery(new Term(TEXT, term)), Occur.SHOULD);
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
