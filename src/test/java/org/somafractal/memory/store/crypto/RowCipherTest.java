package org.somafractal.memory.store.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryDraft;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.SomaException;

class RowCipherTest {
  private static final byte[] K1 = new byte[32];
  private static final byte[] K2 = new byte[32];

  static {
    K1[0] = 1;
    K2[0] = 2;
  }

  @Test
  void hkdfMatchesRfc5869TestCase1() {
    HexFormat hex = HexFormat.of();
    byte[] okm = Hkdf.derive(hex.parseHex("000102030405060708090a0b0c"),
        hex.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), hex.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42);
    assertThat(hex.formatHex(okm)).isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
        + "34007208d5b887185865");
  }

  private static MemoryDraft draft(String tenant) {
    return new MemoryDraft(tenant, Coordinate.of(new double[] {1, 2}),
        new JsonObject().put("content", "the secret"), MemoryType.EPISODIC, 1, new JsonObject().put("k", "v"),
        "the secret", null, null);
  }

  private static Memory stored(MemoryDraft d) {
    return new Memory("id", d.tenant(), d.coordinate(), d.payload(), d.type(), d.importance(), d.metadata(), d.text(),
        null, null, 0, 0, 0, 0, 1);
  }

  @Test
  void sealsOnlyListedTenantsAndOpensWhatItSealed() {
    RowCipher cipher = new RowCipher(Map.of(1, K1), 1, Set.of("a"));
    MemoryDraft sealed = cipher.seal(draft("a"));
    assertThat(sealed.payload().encode()).doesNotContain("secret").contains(RowCipher.FIELD);
    assertThat(sealed.text()).startsWith("soma:enc:v1:").doesNotContain("secret");
    assertThat(sealed.metadata().encode()).doesNotContain("\"k\"");
    Memory opened = cipher.open(stored(sealed));
    assertThat(opened.payload()).isEqualTo(draft("a").payload());
    assertThat(opened.metadata()).isEqualTo(new JsonObject().put("k", "v"));
    assertThat(opened.text()).isEqualTo("the secret");
    assertThat(cipher.seal(draft("b"))).isEqualTo(draft("b"));
    assertThat(cipher.seal(draft("a")).text()).as("a fresh nonce per value").isNotEqualTo(sealed.text());
  }

  @Test
  void rotationKeepsOldRowsReadableWhileTheOldKeyIsListed() {
    Memory old = stored(new RowCipher(Map.of(1, K1), 1, Set.of("*")).seal(draft("a")));
    RowCipher rotated = new RowCipher(Map.of(1, K1, 2, K2), 2, Set.of("*"));
    assertThat(rotated.open(old).text()).isEqualTo("the secret");
    assertThat(rotated.seal(draft("a")).text()).startsWith("soma:enc:v2:");
    assertThatThrownBy(() -> new RowCipher(Map.of(2, K2), 2, Set.of("*")).open(old))
        .isInstanceOf(SomaException.class).hasMessageContaining("SOMA_MASTER_KEY_PREVIOUS");
  }

  @Test
  void aWrongKeyOrAMovedValueNeverOpens() {
    Memory sealed = stored(new RowCipher(Map.of(1, K1), 1, Set.of("a")).seal(draft("a")));
    assertThatThrownBy(() -> new RowCipher(Map.of(1, K2), 1, Set.of()).open(sealed))
        .isInstanceOf(SomaException.class).hasMessageContaining("wrong SOMA_MASTER_KEY");
    Memory otherTenant = new Memory("id", "b", sealed.coordinate(), sealed.payload(), sealed.type(), 1,
        sealed.metadata(), sealed.text(), null, null, 0, 0, 0, 0, 1);
    assertThatThrownBy(() -> new RowCipher(Map.of(1, K1), 1, Set.of()).open(otherTenant))
        .isInstanceOf(SomaException.class);
  }

  @Test
  void aPlaintextDraftThatWouldReadBackAsSealedIsRefused() {
    RowCipher cipher = new RowCipher(Map.of(1, K1), 1, Set.of("a"));
    MemoryDraft forged = new MemoryDraft("b", Coordinate.of(1, 2),
        new JsonObject().put(RowCipher.FIELD, "soma:enc:v1:AAAA"), MemoryType.EPISODIC, 1, null, "x", null, null);
    assertThatThrownBy(() -> cipher.seal(forged)).isInstanceOf(SomaException.class).hasMessageContaining("reserved");
    MemoryDraft inEncryptedTenant = new MemoryDraft("a", forged.coordinate(), forged.payload(), forged.type(), 1, null,
        "x", null, null);
    assertThat(cipher.open(stored(cipher.seal(inEncryptedTenant))).payload()).isEqualTo(forged.payload());
  }
}
